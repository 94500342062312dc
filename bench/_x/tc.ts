import { analyzeDescription as a } from '../../src/negotiation/workload/analyze';
for (const t of [
  'Transcoding farm: 40 hours of lecture recordings per day, each must be done within 8 hours of upload, to 3 renditions',
  'ffmpeg workers pull 200 source files of 4 GB each from S3, transcode to 4 renditions; scratch disk is wiped after each job',
  'ffmpeg transcoding, 100 GiB of footage a day, sources arrive from S3',
  'ffmpeg transcoding, 100 GiB of footage a day',
]) { const r = a(t); console.log(r.kind, r.peak.vcpu.toFixed(2), r.storageGib, JSON.stringify(r.quantities.map(q=>q.measure+'='+q.value))); }
