/**
 * An estate XR API's identity, its kind and plural, declared once per API in
 * `src/estate/<api>/identity.ts`. The XRD's names, each Composition's name and compositeTypeRef,
 * the XRs the TradingPlatform composes and the code that reads XRs all derive from it.
 */
import { ESTATE_API_VERSION, ESTATE_GROUP } from './common/parameters.js';

export interface EstateIdentity {
  readonly kind: string;
  readonly plural: string;
  /** The apiVersion of the API's XRs (the estate group at the estate version). */
  readonly apiVersion: string;
  /** What each of the API's Compositions is for: its XRs' apiVersion and kind. */
  readonly compositeTypeRef: Readonly<{ apiVersion: string; kind: string }>;
  /** `<plural>.<group>` for the default variant, `<plural>-<variant>.<group>` for the others. */
  compositionName(variant?: string): string;
}

export function estateIdentity({ kind, plural }: { kind: string; plural: string }): EstateIdentity {
  return {
    kind,
    plural,
    apiVersion: ESTATE_API_VERSION,
    compositeTypeRef: Object.freeze({ apiVersion: ESTATE_API_VERSION, kind }),
    compositionName: (variant) =>
      variant ? `${plural}-${variant}.${ESTATE_GROUP}` : `${plural}.${ESTATE_GROUP}`,
  };
}
