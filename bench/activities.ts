export const benchActivities = {
  async noopActivity(_step: number): Promise<void> {},
};
export type BenchActivities = typeof benchActivities;
