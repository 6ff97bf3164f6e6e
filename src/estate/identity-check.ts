/**
 * The estate's APIs must not step on each other: Crossplane refuses an XRD whose names another
 * one holds (NamesAccepted=False), two Compositions of one name overwrite each other, a
 * Composition whose compositeTypeRef is not its XRD's is never selected, and
 * `compositions/<plural>/` is one API's folder. Each identity is built to agree; this says where
 * one does not, before anything is generated.
 */
import type { EstateApi } from './api.js';
import { ESTATE_GROUP } from './common/parameters.js';

/** Every disagreement among the APIs, one sentence each; empty when they are consistent. */
export function identityProblems(apis: readonly EstateApi[]): string[] {
  return [
    ...nameClashes(apis),
    ...apis.flatMap(definitionProblems),
    ...compositionNameClashes(apis),
    ...composedKindProblems(apis),
  ];
}

/** Throws one error listing every problem (generation calls this before writing anything). */
export function assertConsistentIdentities(apis: readonly EstateApi[]): void {
  const problems = identityProblems(apis);
  if (problems.length) throw new Error(`estate API identities disagree:\n  ${problems.join('\n  ')}`);
}

/** An XRD's plural and singular (its kind in lower case) are names in the group, as the apiserver sees them. */
function nameClashes(apis: readonly EstateApi[]): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const api of apis) {
    for (const name of new Set([api.plural, api.kind.toLowerCase()])) {
      const holder = owner.get(name);
      if (holder === undefined) owner.set(name, api.kind);
      else problems.push(`${holder} and ${api.kind} both claim the name "${name}" in ${ESTATE_GROUP}`);
    }
  }
  return problems;
}

function definitionProblems(api: EstateApi): string[] {
  const { group, names, versions, defaultCompositionRef } = api.definition.spec;
  const problems: string[] = [];
  if (names.kind !== api.kind || names.plural !== api.plural || group !== ESTATE_GROUP)
    problems.push(
      `${api.kind}: its XRD declares ${names.kind}/${names.plural} in ${group}, not ${api.kind}/${api.plural} in ${ESTATE_GROUP}`,
    );
  const served = new Set(versions.map((version) => `${group}/${version.name}`));
  for (const { name, compositeTypeRef } of api.compositions) {
    if (compositeTypeRef.kind !== names.kind || !served.has(compositeTypeRef.apiVersion))
      problems.push(
        `Composition ${name}: compositeTypeRef ${compositeTypeRef.apiVersion} ${compositeTypeRef.kind} is not its XRD's (${[...served].join(', ')} ${names.kind})`,
      );
    if (name !== api.compositionName() && !(name.startsWith(`${api.plural}-`) && name.endsWith(`.${group}`)))
      problems.push(`Composition ${name}: not a name of ${api.kind} (${api.compositionName('<variant>')})`);
  }
  const variants = api.compositions.map((composition) => composition.name);
  if (defaultCompositionRef && !variants.includes(defaultCompositionRef.name))
    problems.push(
      `${api.kind}: defaultCompositionRef ${defaultCompositionRef.name} is none of its Compositions`,
    );
  return problems;
}

function compositionNameClashes(apis: readonly EstateApi[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const { name } of apis.flatMap((api) => api.compositions)) {
    if (seen.has(name)) problems.push(`Composition ${name} is declared twice`);
    seen.add(name);
  }
  return problems;
}

/** A Composition that composes estate XRs (the TradingPlatform) may only compose declared kinds. */
function composedKindProblems(apis: readonly EstateApi[]): string[] {
  const declared = new Set(apis.map((api) => `${api.apiVersion} ${api.kind}`));
  return apis.flatMap((api) =>
    api.compositions.flatMap(({ name, resources }) =>
      resources
        .filter(({ base }) => base.apiVersion.startsWith(`${ESTATE_GROUP}/`))
        .filter(({ base }) => !declared.has(`${base.apiVersion} ${base.kind}`))
        .map(
          ({ name: resource, base }) =>
            `Composition ${name} resource ${resource}: composes ${base.apiVersion} ${base.kind}, which no estate API declares`,
        ),
    ),
  );
}
