import fs from 'node:fs';
import path from 'node:path';
import { TextModel, trainingKey, type LabelledDescription, type TextModelArtifacts, type TrainingOptions } from '../negotiation/text-model';

/**
 * The text model trained on `examples`, from the cache dir when this very
 * training (trainingKey: examples, settings, trainer code) was done before:
 * training takes seconds of CPU, tens of them on a loaded machine, and a
 * worker that starts again, or another on the machine, would repeat it for
 * the same weights. A cache only: what cannot be read is trained again, and
 * what cannot be written is trained again next time.
 */
export async function trainedTextModel(examples: LabelledDescription[], cacheDir: string, opts: TrainingOptions = {}): Promise<TextModel> {
  const file = path.join(cacheDir, 'text-models', `${trainingKey(examples, opts)}.json`);
  const stored = readArtifacts(file);
  if (stored) return TextModel.fromArtifacts(stored);
  const model = await TextModel.train(examples, opts);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written whole, then renamed: a reader never sees half a model.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify(model.artifacts()));
    fs.renameSync(partial, file);
  } catch {
    // A read-only or full cache dir costs the next worker a training, nothing more.
  }
  return model;
}

function readArtifacts(file: string): TextModelArtifacts | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as TextModelArtifacts;
  } catch {
    return undefined;
  }
}
