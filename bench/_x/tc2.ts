import { analyzeDescription as a } from '../../src/negotiation/workload/analyze';
const t = "Media team: we ingest about 40 hours of 1080p video per day and need it transcoded into an adaptive bitrate ladder (5 renditions). Everything needs to be done within 8 hours of upload. Sources arrive from S3 and outputs go back to S3; local disk is scratch only, a working set of maybe 20 source files at ~15 GB each.";
const r = a(t); console.log(r.kind, r.peak, r.storageGib, r.notes, JSON.stringify(r.quantities.map(q=>q.measure+'='+q.value)));
