import { analyzeDescription } from '../../../src/negotiation/workload/analyze';
import { inEnglishTerms, readsAsForeign } from '../../../src/negotiation/workload/glossary';

const quantity = (text: string, measure: string) => analyzeDescription(text).quantities.find((q) => q.measure === measure)?.value;

describe('requests written in another language', () => {
  it('reads French sizes in octets in any text, and nothing else of an English one', () => {
    expect(inEnglishTerms('environ 250 Go, bientôt 2 To')).toContain('250 GB');
    expect(inEnglishTerms('environ 250 Go, bientôt 2 To')).toContain('2 TB');
    // An English text keeps its own number style: "1.500" is one and a half, "2 to 3" a range.
    expect(inEnglishTerms('Postgres with 1.500 GB, scale from 2 to 3 nodes')).toBe('Postgres with 1.500 GB, scale from 2 to 3 nodes');
    expect(readsAsForeign('Postgres for the order system, 2 TB of data')).toBe(false);
  });

  it('reads German figures, periods and counts', () => {
    const text =
      'Wir brauchen eine Datenbank (PostgreSQL) für unsere Buchhaltung: ca. 1.200 Transaktionen pro Sekunde, etwa 300 GB Daten, Aufbewahrung 90 Tage.';
    const got = analyzeDescription(text);
    expect(got.kind).toBe('relational-database');
    expect(quantity(text, 'transactions rate')).toBe(1200);
    expect(got.quantities.find((q) => q.measure === 'data')?.value).toBeCloseTo(279.4, 0);
  });

  it('reads a decimal comma and a scale word in a German text', () => {
    const text = 'In-Memory-Cache (Redis) für Sitzungen: 2,5 Mio. aktive Sitzungen à ~4 KB, TTL 1 Tag.';
    const got = analyzeDescription(text);
    expect(got.kind).toBe('cache');
    expect(got.quantities.find((q) => q.measure === 'item size')?.value).toBe(4000);
    expect(normalisedCount(text)).toBe(2_500_000);
  });

  it('reads French growth, users at once and years, and RGPD as GDPR', () => {
    const text =
      'Base de données MySQL pour notre CRM : environ 120 Go, croissance de 20 % par an, 80 utilisateurs en simultané. Données clients européens, donc RGPD.';
    const got = analyzeDescription(text);
    expect(got.role).toBe('database');
    expect(got.compliance).toContain('gdpr');
    expect(quantity(text, 'growth')).toBe(20);
    expect(quantity(text, 'concurrent users')).toBe(80);
    expect(got.storageGib).toBeGreaterThan(120);
  });

  it('reads a Spanish daily volume and thousands grouped by a space', () => {
    const text =
      'Necesitamos un nodo de OpenSearch para los logs: unos 20 GB al día, retención de 30 días, unos 12 000 eventos por segundo en pico.';
    const got = analyzeDescription(text);
    expect(got.kind).toBe('search-engine');
    expect(got.quantities.find((q) => q.measure === 'data arriving')?.value).toBeCloseTo(18.6, 0);
    expect(got.quantities.find((q) => q.measure === 'retention')?.value).toBe(30);
    // 20 GB a day kept 30 days: about 600 GB indexed, not the 20 GiB a missed figure would leave.
    expect(got.storageGib).toBeGreaterThan(500);
  });
});

describe('requests in Dutch, Italian and Portuguese', () => {
  it('reads their periods, counts and scale words', () => {
    const dutch = analyzeDescription(
      'Wij zoeken een machine voor een Jitsi Videobridge: maximaal 300 gelijktijdige deelnemers, opnames worden niet opgeslagen.',
    );
    expect(dutch.quantities.find((q) => q.measure === 'concurrent users')?.value).toBe(300);
    const italian = analyzeDescription(
      'Ci serve un broker MQTT per circa 20.000 dispositivi, ognuno pubblica un messaggio ogni 30 secondi.',
    );
    expect(italian.kind).toBe('message-broker');
    expect(italian.quantities.find((q) => q.measure === 'interval')?.value).toBe(30);
    const portuguese = analyzeDescription('Precisamos de um servidor Redis para cache da loja, pico de 25 mil operações por segundo.');
    expect(portuguese.quantities.find((q) => q.measure === 'operations rate')?.value).toBe(25000);
    // "Ci serve" is Italian for "we need", not continuous integration; "registros" are records.
    expect(
      analyzeDescription(
        'Ci serve un server WebSocket per le quotazioni: circa 20.000 client connessi, ogni client riceve 5 aggiornamenti al secondo.',
      ).kind,
    ).toBe('websocket-server');
    expect(
      analyzeDescription('Precisamos de um servidor Solr: cerca de 4 milhões de registros bibliográficos, em média 3 KB cada.').storageGib,
    ).toBeGreaterThan(12);
  });
});

function normalisedCount(text: string): number | undefined {
  return analyzeDescription(text).quantities.find((q) => q.unit !== 'bytes' && q.value === 2_500_000)?.value;
}
