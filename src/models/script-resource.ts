import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model';

/**
 * What a sandboxed script asked a provider to make, written before the
 * provider is called. A script's resources carry keys of their own
 * (`<step key>/<kind>/<name>`), which the undo of its step, looking by the
 * step's key, would not find: if the worker dies mid-script, nothing in the
 * activity is left to remove them, and these rows are how the undo (on any
 * worker) finds them. Removed with the resources.
 */
export interface ScriptResource {
  /** The step's key: `<workflow id>/<stage>/<handler ref>`. */
  stepKey: string;
  /** The resource's own key, as the provider was given it. */
  key: string;
  region: string;
  at: Date;
}

const schema = new Schema<ScriptResource>(
  {
    stepKey: { type: String, required: true, index: true },
    key: { type: String, required: true, unique: true },
    region: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'script_resources', versionKey: false },
);

export function scriptResourceModel(connection: Connection): Model<ScriptResource> {
  return modelOn(connection, 'ScriptResource', schema);
}
