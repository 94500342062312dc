import { analyzeDescription } from '../../../src/negotiation/workload/analyze';
import { currentUseOf } from '../../../src/negotiation/workload/current-use';
import { normaliseNumbers } from '../../../src/negotiation/workload/numbers';

const read = (text: string) => currentUseOf(normaliseNumbers(text).text);

describe("today's machines, as a request measures them", () => {
  it('reads machines × cores × the share of CPU in use, in the ways people write it', () => {
    expect(read('Current: 4 pods x 2 vCPU, ~50% CPU at the daily peak.')?.busyVcpu).toBeCloseTo(4, 5);
    expect(read('Right now it runs on 3 small servers (8 cores each) at about 60% CPU.')?.busyVcpu).toBeCloseTo(14.4, 5);
    expect(read('The old box has 16 cores, CPU sits around 25% most of the day.')?.busyVcpu).toBeCloseTo(4, 5);
    expect(read('Existing runners are 8 vCPU and they are pegged every afternoon.')).toMatchObject({ busyVcpu: 8, saturated: true });
    expect(read('CPU: 80% on 2 x 8 vCPU app servers at 1.2k req/s')).toMatchObject({
      busyVcpu: 12.8,
      saturated: false,
      ratePerSecond: 1200,
    });
  });

  it('is not a goal, a disk share or cores without their use', () => {
    expect(read('Please keep CPU under 60% on the 8 cores we get.')).toBeUndefined();
    expect(read('We need 8 vCPU; the disk is 70% full.')).toBeUndefined();
    expect(read('Give it 16 cores.')).toBeUndefined();
  });

  it('sizes the cores from the measurement, scaled to the busiest rate the text expects', () => {
    // 6 busy cores at 300 req/s today; 900 req/s expected: 18 busy, sized at 70 % use.
    const api = analyzeDescription(
      'Go API for the mobile app. Today: 6 pods x 2 vCPU at ~50% CPU serving ~300 rps. We expect 900 rps after the launch.',
    );
    expect(api.load.vcpu).toBeCloseTo(18 / 0.7, 0);
    expect(api.notes).toContainEqual(expect.stringMatching(/^measured today .*× 3 for the busiest rate stated/));
  });

  it('takes a saturated machine as a floor, not as the demand', () => {
    const light = analyzeDescription('Laravel app on a 2 vCPU VM that is choking at 95% CPU; about 40 requests/s at peak.');
    const model = analyzeDescription('Laravel app; about 40 requests/s at peak.');
    expect(light.peak.vcpu).toBeGreaterThanOrEqual(Math.max(model.peak.vcpu, (2 * 0.95) / 0.7) - 0.01);
  });

  it('believes a model past a saturated machine only up to twice the measurement, and sheds the memory of cores not needed', () => {
    // A Django model prices 5,000 req/s far above what two busy 4-vCPU servers show at 1,200.
    const text = 'Django shop. CPU: 95% on 2 x 4 vCPU app servers at 1.2k req/s; Black Friday we expect 5k req/s.';
    const model = analyzeDescription('Django shop. Black Friday we expect 5k req/s.');
    const measured = (2 * 4 * 0.95 * (5000 / 1200)) / 0.7;
    const shop = analyzeDescription(text);
    expect(model.peak.vcpu).toBeGreaterThan(2 * measured);
    expect(shop.load.vcpu).toBeCloseTo(2 * measured, 0);
    expect(shop.peak.memoryGib).toBeLessThan(model.peak.memoryGib * (shop.peak.vcpu / model.peak.vcpu) + 1);
  });
});
