/**
 * One chart definition, two renderings. The chart's objects are written once (controller.ts)
 * against a ChartContext that supplies the release, the chart metadata and the values:
 *
 * - `helmContext()` answers with Helm template expressions (`{{ .Values.region }}`), so the cdk8s
 *   charts synthesize charts/switchyard/templates/ (`toHelmTemplate` turns the few non-string
 *   fields, marked while building, into `{{ … }}`, `toYaml` and `with` blocks);
 * - `valuesContext(values)` answers with concrete values, which is what Helm will render for those
 *   values; the unit tests check behaviour on it, and test:real compares it with `helm template`.
 *
 * String fields take their expression inline; numbers, booleans, maps and lists cannot, so they
 * are returned as marker strings (`@helm:<n>`) and expanded after YAML serialization.
 */

export interface ReleaseInfo {
  name: string;
  namespace: string;
  service: string;
}

export interface ChartInfo {
  name: string;
  version: string;
  appVersion: string;
}

export interface ChartContext {
  readonly release: ReleaseInfo;
  readonly chart: ChartInfo;
  /** A string value (`a.b` is `.Values.a.b`), usable inside other strings. */
  str(path: string): string;
  /** A string value, or the chart's appVersion when it is empty (image tags). */
  strOrAppVersion(path: string): string;
  /** An integer value inside a string, e.g. a flag's value. */
  intStr(path: string): string;
  /** A number or boolean field. */
  scalar<T extends number | string | boolean>(path: string): T;
  /** A map or list field, whatever the user set (`toYaml`). */
  yaml<T>(path: string): T;
  /** `{ [key]: value }`, or no field at all when the value is empty (Helm's `with`). */
  optional(key: string, path: string): Record<string, unknown>;
  /** `['<flag>=<value>']`, or no argument when the value is empty. */
  optionalFlag(flag: string, path: string): string[];
}

/** A value that is true (`podDisruptionBudget.enabled`), or equal to a string (`mode` is `controller`). */
export interface Condition {
  value: string;
  equals?: string;
}

/** A document of a template file, optionally rendered only when all its conditions hold. */
export interface ChartDocument {
  object: Record<string, unknown>;
  when?: Condition[];
}

/** Whether the conditions hold for concrete values (what Helm's `if` decides). */
export function conditionsHold(ctx: ChartContext, conditions: Condition[] = []): boolean {
  return conditions.every(({ value, equals }) =>
    equals === undefined ? Boolean(ctx.scalar<boolean>(value)) : ctx.scalar<string>(value) === equals,
  );
}

/** The conditions as a Helm expression for `{{- if … }}`. */
function helmCondition(conditions: Condition[]): string {
  const terms = conditions.map(({ value, equals }) =>
    equals === undefined ? `.Values.${value}` : `eq .Values.${value} ${JSON.stringify(equals)}`,
  );
  if (terms.length === 1) return terms[0] as string;
  return `and ${terms.map((term) => (term.includes(' ') ? `(${term})` : term)).join(' ')}`;
}

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && Object.keys(value as object).length === 0);

/** Concrete values: what `helm template` renders for them. */
export function valuesContext(values: object, release: ReleaseInfo, chart: ChartInfo): ChartContext {
  /** The value at `path`; a missing one is an error unless `optional` (dropped with `--set x=null`). */
  const get = (path: string, optional = false): unknown => {
    let current: unknown = values;
    for (const key of path.split('.')) {
      if (typeof current !== 'object' || current === null || !(key in current)) {
        if (optional) return undefined;
        throw new Error(`chart value ${path} does not exist in values.yaml`);
      }
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
  return {
    release,
    chart,
    str: (path) => String(get(path)),
    strOrAppVersion: (path) => String(get(path) || chart.appVersion),
    intStr: (path) => String(Math.trunc(Number(get(path)))),
    scalar: <T>(path: string) => get(path) as T,
    yaml: <T>(path: string) => get(path) as T,
    optional: (key, path) => (isEmpty(get(path, true)) ? {} : { [key]: get(path) }),
    optionalFlag: (flag, path) => (isEmpty(get(path, true)) ? [] : [`${flag}=${String(get(path))}`]),
  };
}

type Marker =
  | { kind: 'scalar'; expr: string }
  | { kind: 'yaml'; expr: string }
  | { kind: 'optional'; expr: string; key: string }
  | { kind: 'optionalFlag'; expr: string; flag: string };

export interface HelmContext extends ChartContext {
  /** Expands the markers in a YAML rendering of objects built with this context. */
  toHelmTemplate(yaml: string): string;
}

const MARKER_LINE = /^( *)(- )?(?:([^\s"'][^:]*): )?"?@helm:(\d+)"?$/;

/** Helm template expressions; `toHelmTemplate` finishes the serialized YAML. */
export function helmContext(): HelmContext {
  const markers: Marker[] = [];
  const mark = (marker: Marker) => `@helm:${markers.push(marker) - 1}`;
  const values = (path: string) => `.Values.${path}`;
  return {
    release: {
      name: '{{ .Release.Name }}',
      namespace: '{{ .Release.Namespace }}',
      service: '{{ .Release.Service }}',
    },
    chart: {
      name: '{{ .Chart.Name }}',
      version: '{{ .Chart.Version }}',
      appVersion: '{{ .Chart.AppVersion }}',
    },
    str: (path) => `{{ ${values(path)} }}`,
    strOrAppVersion: (path) => `{{ ${values(path)} | default .Chart.AppVersion }}`,
    intStr: (path) => `{{ ${values(path)} | int64 }}`,
    scalar: <T>(path: string) => mark({ kind: 'scalar', expr: values(path) }) as unknown as T,
    yaml: <T>(path: string) => mark({ kind: 'yaml', expr: values(path) }) as unknown as T,
    optional: (key, path) => ({ [key]: mark({ kind: 'optional', expr: values(path), key }) }),
    optionalFlag: (flag, path) => [mark({ kind: 'optionalFlag', expr: values(path), flag })],
    toHelmTemplate(yaml) {
      return yaml
        .split('\n')
        .map((line) => {
          const match = MARKER_LINE.exec(line);
          if (!match) {
            if (line.includes('@helm:')) throw new Error(`helm marker in an unsupported place: ${line}`);
            return line;
          }
          const [, indent = '', item = '', key, index] = match;
          const marker = markers[Number(index)];
          if (!marker) throw new Error(`unknown helm marker in ${line}`);
          const nested = indent.length + item.length + 2;
          switch (marker.kind) {
            case 'scalar':
              return `${indent}${item}${key ? `${key}: ` : ''}{{ ${marker.expr} }}`;
            case 'yaml':
              if (!key || item) throw new Error(`toYaml needs a map field: ${line}`);
              return `${indent}${key}:\n${indent}  {{- toYaml ${marker.expr} | nindent ${nested} }}`;
            case 'optional':
              if (!key || item) throw new Error(`with needs a map field: ${line}`);
              return [
                `${indent}{{- with ${marker.expr} }}`,
                `${indent}${key}:`,
                `${indent}  {{- toYaml . | nindent ${nested} }}`,
                `${indent}{{- end }}`,
              ].join('\n');
            case 'optionalFlag':
              if (!item || key) throw new Error(`an optional flag must be a list item: ${line}`);
              return [
                `${indent}{{- with ${marker.expr} }}`,
                `${indent}- ${marker.flag}={{ . }}`,
                `${indent}{{- end }}`,
              ].join('\n');
          }
          throw new Error('unreachable');
        })
        .join('\n');
    },
  };
}

/** A template file's documents, conditional ones wrapped in `if`. */
export function templateFile(documents: { yaml: string; when?: Condition[] }[]): string {
  return documents
    .map(({ yaml, when }) => (when?.length ? `{{- if ${helmCondition(when)} }}\n${yaml}{{- end }}\n` : yaml))
    .join('---\n');
}
