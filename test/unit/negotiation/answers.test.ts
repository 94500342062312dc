import { AnswersRefused, answersFromPairs, answersFromPayload, answersFromSignal } from '../../../src/negotiation/answers';

describe('answers to the questions, in the forms people send them', () => {
  it('reads field=value pairs in words, separated by spaces, commas or semicolons, with numbers as numbers', () => {
    expect(answersFromPayload('dataGib=500, peakRate=2000; kind=cache replication = 3')).toEqual({
      answers: { dataGib: 500, peakRate: 2000, kind: 'cache', replication: 3 },
    });
    expect(answersFromPairs(['kind=relational-database', 'retentionDays=7'])).toEqual({ kind: 'relational-database', retentionDays: 7 });
  });

  it('takes the object form, with the answers as an object or as pairs, and who answered', () => {
    expect(answersFromPayload({ answers: { dataGib: 500 }, by: 'ann' })).toEqual({ answers: { dataGib: 500 }, by: 'ann' });
    expect(answersFromPayload({ answers: 'peakRate=40' })).toEqual({ answers: { peakRate: 40 } });
  });

  it('refuses what is not answers, naming the problem and showing both forms', () => {
    const refusal = (payload: unknown) => {
      try {
        answersFromPayload(payload);
      } catch (err) {
        expect(err).toBeInstanceOf(AnswersRefused);
        return (err as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal('peakRate 3000')).toMatch(/^"peakRate" is not field=value\. Answers are .*"dataGib=500 peakRate=2000"/);
    expect(refusal({ dataGib: 500 })).toMatch(/^unknown field "dataGib"/);
    expect(refusal({ answers: 5 })).toMatch(/^answers: /);
    expect(refusal(null)).toMatch(/^answers: /);
    // A long text is cut before it is read, and a refusal never echoes more than a little of it.
    expect(refusal(`x${'y'.repeat(100_000)}`).length).toBeLessThan(600);
  });

  it('finds answers in a feedback signal, and leaves every other feedback alone', () => {
    expect(answersFromSignal('answer dataGib=500 peakRate=2000')).toEqual({ answers: { dataGib: 500, peakRate: 2000 } });
    expect(answersFromSignal('Answers: kind=cache')).toEqual({ answers: { kind: 'cache' } });
    expect(answersFromSignal({ kind: 'answer', id: 'a-1', answers: { dataGib: 5 }, by: 'bo' })).toEqual({
      answers: { dataGib: 5 },
      by: 'bo',
    });
    expect(answersFromSignal({ kind: 'answerQuestions', answers: 'dataGib=5' })).toEqual({ answers: { dataGib: 5 } });
    for (const other of ['accept r1-p2', 'reject too expensive', 'answering machine', { kind: 'accept', proposalId: 'r1-p1' }, [], 7, null])
      expect(answersFromSignal(other)).toBeUndefined();
    expect(() => answersFromSignal({ kind: 'answer', answers: { dataGib: 5 }, extra: 1 })).toThrow(/unknown field "extra"/);
  });
});
