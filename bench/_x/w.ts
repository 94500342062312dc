import { applyWordedMultipliers } from '../../src/negotiation/workload/facts';
const t = 'hoje usamos about 6 gb de memória; na black friday o volume triples. sem';
console.log(applyWordedMultipliers({ rates: { a: 1 }, hourlyOrFiner: {}, users: {}, counts: {}, perEntity: {}, peakStated: false, dataGib: 6 } as any, t));
