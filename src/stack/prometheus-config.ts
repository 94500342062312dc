import YAML from 'yaml';

interface ScrapeConfig {
  job_name: string;
  [key: string]: unknown;
}

/**
 * The local Prometheus configuration, derived from docker/prometheus.yml so
 * compose and the production profile scrape the same jobs under the same
 * names (the Grafana dashboard's queries select on them): each job keeps its
 * settings and swaps its service discovery for the local targets. A job with
 * no local targets is an error, not a silent gap in the dashboard.
 */
export function prometheusConfig(composeYaml: string, targets: Record<string, string[]>, scrapeInterval?: string): string {
  const doc = YAML.parse(composeYaml) as { global?: Record<string, unknown>; scrape_configs?: ScrapeConfig[] };
  const jobs = doc.scrape_configs ?? [];
  const unknown = Object.keys(targets).filter((name) => !jobs.some((j) => j.job_name === name));
  if (unknown.length > 0) throw new Error(`docker/prometheus.yml has no job ${unknown.join(', ')}; add it there first`);
  const scrape_configs = jobs.map((job) => {
    const local = targets[job.job_name];
    if (!local) throw new Error(`docker/prometheus.yml job ${job.job_name} has no local targets in the production profile`);
    const { dns_sd_configs: _dns, static_configs: _static, ...settings } = job;
    return { ...settings, static_configs: [{ targets: local }] };
  });
  const global = {
    ...(doc.global ?? {}),
    ...(scrapeInterval ? { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval } : {}),
  };
  return YAML.stringify({ global, scrape_configs });
}
