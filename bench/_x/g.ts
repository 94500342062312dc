import { inEnglishTerms, readsAsForeign } from '../../src/negotiation/workload/glossary';
import { normaliseNumbers } from '../../src/negotiation/workload/numbers';
const t = process.argv[2]!; console.log(readsAsForeign(t)); console.log(inEnglishTerms(t)); console.log(normaliseNumbers(t).text);
