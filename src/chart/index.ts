/**
 * The Helm chart's generated parts: templates/ (one cdk8s Chart per template file, serialized and
 * finished as a Helm template) and values.schema.json. src/generate/generated-files.ts registers
 * them, so `npm run synth`, `switchyard generate --check` and the staleness test cover them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, type App, Chart, JsonPatch, Yaml } from 'cdk8s';
import { parse } from 'yaml';
import { chartTemplates } from './controller.js';
import {
  type ChartInfo,
  conditionsHold,
  helmContext,
  type ReleaseInfo,
  templateFile,
  valuesContext,
} from './helm.js';
import { probeAgentRemoteRbac, REMOTE_RBAC_FILE } from './remote.js';
import { CHART_DIR, CHART_TEMPLATES_DIR, type ChartValues } from './values.js';

const TEMPLATE_SOURCE = '# Written by src/chart/controller.ts (docs/adr/0008-helm-chart.md).\n';

export interface ChartTemplate {
  path: string;
  chart: Chart;
  /** The file's text after the generated header. */
  render(): string;
}

const REMOTE_SOURCE =
  "# Written by src/chart/remote.ts (docs/adr/0008-helm-chart.md). Not a template: apply it in the standby's\n" +
  '# cluster for the probe agents that write into it (kubectl apply -f), see README "Install with Helm".\n';

/**
 * One cdk8s Chart per file of charts/switchyard/templates/, and the probe agent's RBAC for the
 * standby's cluster (remote/, plain YAML that Helm packages but does not render).
 */
export function addChartTemplates(app: App): ChartTemplate[] {
  const remote = new Chart(app, 'helm-remote-probe-agent-rbac');
  for (const object of probeAgentRemoteRbac()) {
    const { kind, metadata } = object as { kind: string; metadata: { name: string } };
    new ApiObject(remote, `${kind}-${metadata.name}`, object as never);
  }
  return [
    ...helmTemplates(app),
    {
      path: REMOTE_RBAC_FILE,
      chart: remote,
      render: () => REMOTE_SOURCE + Yaml.stringify(...remote.toJson()),
    },
  ];
}

function helmTemplates(app: App): ChartTemplate[] {
  const helm = helmContext();
  return chartTemplates(helm).map((file) => {
    const chart = new Chart(app, `helm-${file.name.replace(/\.yaml$/, '')}`);
    const documents = file.documents.map(({ object, when }, index) => {
      // cdk8s merges metadata.annotations key by key, which a Helm marker is not: add it as a patch.
      const { metadata, ...rest } = object as { metadata: Record<string, unknown> };
      const { annotations, ...plainMetadata } = metadata;
      const apiObject = new ApiObject(chart, `${String(object.kind)}-${index}`, {
        ...rest,
        metadata: plainMetadata,
      } as never);
      if (annotations !== undefined)
        apiObject.addJsonPatch(JsonPatch.add('/metadata/annotations', annotations));
      return { apiObject, when };
    });
    return {
      path: `${CHART_TEMPLATES_DIR}/${file.name}`,
      chart,
      render: () =>
        TEMPLATE_SOURCE +
        templateFile(
          documents.map(({ apiObject, when }) => ({
            yaml: helm.toHelmTemplate(Yaml.stringify(apiObject.toJson())),
            ...(when ? { when } : {}),
          })),
        ),
    };
  });
}

/** Chart.yaml's name, version and appVersion. */
export function loadChartInfo(root: string): ChartInfo {
  const chart = parse(readFileSync(join(root, CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  return { name: String(chart.name), version: String(chart.version), appVersion: String(chart.appVersion) };
}

/** The objects `helm template` renders from templates/ for these values (documents turned off omitted). */
export function renderChartObjects(
  values: ChartValues,
  release: ReleaseInfo,
  chart: ChartInfo,
): Record<string, unknown>[] {
  const context = valuesContext(values, release, chart);
  return chartTemplates(context).flatMap((file) =>
    file.documents.filter(({ when }) => conditionsHold(context, when)).map(({ object }) => object),
  );
}
