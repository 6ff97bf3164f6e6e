/**
 * The Helm chart's generated parts: templates/ (one cdk8s Chart per template file, serialized and
 * finished as a Helm template) and values.schema.json. src/generate/generated-files.ts registers
 * them, so `npm run synth`, `switchyard generate --check` and the staleness test cover them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, type App, Chart, JsonPatch, Yaml } from 'cdk8s';
import { parse } from 'yaml';
import { controllerTemplates } from './controller.js';
import { type ChartInfo, helmContext, type ReleaseInfo, templateFile, valuesContext } from './helm.js';
import { CHART_DIR, CHART_TEMPLATES_DIR, type ChartValues } from './values.js';

const TEMPLATE_SOURCE = '# Written by src/chart/controller.ts (docs/adr/0008-helm-chart.md).\n';

export interface ChartTemplate {
  path: string;
  chart: Chart;
  /** The file's text after the generated header. */
  render(): string;
}

/** One cdk8s Chart per file of charts/switchyard/templates/. */
export function addChartTemplates(app: App): ChartTemplate[] {
  const helm = helmContext();
  return controllerTemplates(helm).map((file) => {
    const chart = new Chart(app, `helm-${file.name.replace(/\.yaml$/, '')}`);
    const documents = file.documents.map(({ object, enabledBy }, index) => {
      // cdk8s merges metadata.annotations key by key, which a Helm marker is not: add it as a patch.
      const { metadata, ...rest } = object as { metadata: Record<string, unknown> };
      const { annotations, ...plainMetadata } = metadata;
      const apiObject = new ApiObject(chart, `${String(object.kind)}-${index}`, {
        ...rest,
        metadata: plainMetadata,
      } as never);
      if (annotations !== undefined)
        apiObject.addJsonPatch(JsonPatch.add('/metadata/annotations', annotations));
      return { apiObject, enabledBy };
    });
    return {
      path: `${CHART_TEMPLATES_DIR}/${file.name}`,
      chart,
      render: () =>
        TEMPLATE_SOURCE +
        templateFile(
          documents.map(({ apiObject, enabledBy }) => ({
            yaml: helm.toHelmTemplate(Yaml.stringify(apiObject.toJson())),
            ...(enabledBy ? { enabledBy } : {}),
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
  return controllerTemplates(context).flatMap((file) =>
    file.documents
      .filter(({ enabledBy }) => !enabledBy || context.scalar<boolean>(enabledBy))
      .map(({ object }) => object),
  );
}
