import type { Connection, Model, Schema } from 'mongoose';

/** The model bound to this connection, compiled once however often it is asked for. */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}
