import * as compose from '../../../src/contract/compose';
import * as governance from '../../../src/contract/governance';
import * as health from '../../../src/contract/health';
import * as models from '../../../src/contract/models';
import * as negotiate from '../../../src/contract/negotiate';
import * as snapshot from '../../../src/contract/snapshot';
import * as workflows from '../../../src/workflows';

/**
 * The contract names every workflow the worker registers, with the signature
 * its implementation keeps. The assignment below fails to compile when a
 * workflow changes its input or result without its contract (or the other
 * way round); the name check fails when one is renamed on one side only.
 */
interface MosaicWorkflows {
  [compose.composeResource]: compose.ComposeResource;
  [snapshot.composeSnapshot]: snapshot.ComposeSnapshot;
  [snapshot.manageSnapshotCatalog]: snapshot.ManageSnapshotCatalog;
  [negotiate.negotiateInstance]: negotiate.NegotiateInstance;
  [negotiate.managePersonas]: negotiate.ManagePersonas;
  [models.retrainPolicy]: models.RetrainPolicy;
  [models.changePolicyModel]: models.ChangePolicyModel;
  [models.inspectPolicyModels]: models.InspectPolicyModels;
  [governance.managePolicy]: governance.ManagePolicy;
  [governance.initAdmin]: governance.InitAdmin;
  [governance.inspectGovernance]: governance.InspectGovernance;
  [governance.evaluatePolicies]: governance.EvaluatePolicies;
  [health.healthCheck]: health.HealthCheck;
}
const implemented: MosaicWorkflows = workflows;

/**
 * The names of the workflows in W whose result is `unknown` (or `any`): a
 * client of one of them can only cast. A generic workflow counts by its widest
 * result, the union of its views.
 */
type ResultOf<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;
type ReturningUnknown<W> = { [N in keyof W]: unknown extends ResultOf<W[N]> ? N : never }[keyof W];
/** Compiles only when no workflow of W returns `unknown`. */
type NoneReturnUnknown<W> = [ReturningUnknown<W>] extends [never] ? true : { returnUnknown: ReturningUnknown<W> };

// Both sides: the implementations and the contract the client starts them by.
const implementedResults: NoneReturnUnknown<typeof workflows> = true;
const contractResults: NoneReturnUnknown<MosaicWorkflows> = true;
// The check itself, shown failing on a planted workflow that returns unknown.
// @ts-expect-error inspectAnything returns unknown
const planted: NoneReturnUnknown<{ inspectAnything: () => Promise<unknown>; healthCheck: health.HealthCheck }> = true;

const contractNames = [
  compose.composeResource,
  snapshot.composeSnapshot,
  snapshot.manageSnapshotCatalog,
  negotiate.negotiateInstance,
  negotiate.managePersonas,
  models.retrainPolicy,
  models.changePolicyModel,
  models.inspectPolicyModels,
  governance.managePolicy,
  governance.initAdmin,
  governance.inspectGovernance,
  governance.evaluatePolicies,
  health.healthCheck,
] as const;

describe('workflow contracts', () => {
  it('name exactly the workflows the bundle exports', () => {
    expect([...contractNames].sort()).toEqual(Object.keys(workflows).sort());
    for (const name of contractNames) expect(typeof implemented[name]).toBe('function');
  });

  it('give every workflow a result type (the checks above compile)', () => {
    expect([implementedResults, contractResults, planted]).toEqual([true, true, true]);
  });

  it('give each message one name, used by one definition', () => {
    const definitions = [compose, snapshot, negotiate].flatMap((family) =>
      Object.values(family).filter((v): v is { name: string; type: string } => typeof v === 'object' && v !== null && 'type' in v),
    );
    const keys = definitions.map((d) => `${d.type}:${d.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    // The names old histories and running workflows know: renaming one breaks every client in flight.
    expect(keys.sort()).toEqual(
      [
        'query:plan',
        'query:status',
        'signal:cancel',
        'query:proposals',
        'signal:feedback',
        'signal:reportUsage',
        'update:accept',
        'update:reject',
        'update:modify',
        'update:addConstraints',
        'update:cancel',
        'update:endObservation',
        'update:answerQuestions',
      ].sort(),
    );
  });

  it('list failure types once per family, each spelled as its own key', () => {
    for (const failures of [compose.ComposeFailure, snapshot.SnapshotFailure, negotiate.NegotiationFailure, governance.GovernanceFailure]) {
      for (const [key, value] of Object.entries(failures)) expect(value).toBe(key);
    }
  });
});
