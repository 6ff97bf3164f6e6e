/**
 * A picture of the running platform from what it reports: the environments repo feeding both
 * regions' clusters, each cluster's parts, each region's AWS, Aurora replicating from the writer,
 * and the region Route 53 answers with. The primary is whichever region's Aurora is the writer
 * (runtime state, never configuration). Same input, same bytes.
 */
import { element, fitText, MONO, svgDocument, text, textWidth } from './svg.js';

export interface RegionSnapshot {
  name: string;
  /** What the region's cluster reports; absent when its Kubernetes API does not answer. */
  cluster?: {
    apiUrl: string;
    /** The environments-repo commit the region's syncer last applied; absent before its first sync. */
    syncedRevision?: string;
    managedResources: number;
    readyResources: number;
    controller: 'running' | 'down';
  };
  /** What the region's AWS endpoints report; absent when they do not answer. */
  aws?: {
    aurora: 'writer' | 'reader';
    albHealthy: boolean;
    asg: { inService: number; desired: number };
    /** The region's traffic gate (ADR 0009), when known. */
    trafficGate?: 'open' | 'closed';
  };
}

export interface SystemSnapshot {
  /** Drawn side by side, in this order (two at README width). */
  regions: RegionSnapshot[];
  repo: { path: string; head?: string };
  /** The region whose ALB the DNS name resolves to now; absent when it resolves to none. */
  dns: { name: string; answer?: string };
  /** The AWS simulator's endpoint, shown as a footnote. */
  aws?: { url: string };
  title?: string;
}

export interface SystemSvgOptions {
  width?: number;
}

type Status = 'ok' | 'warn' | 'bad' | 'off' | 'writer';

const STATUS_COLOUR: Record<Status, string> = {
  ok: '#2e7d32',
  warn: '#ef6c00',
  bad: '#c62828',
  off: '#9e9e9e',
  writer: '#f9a825',
};
const INK = '#212121';
const MUTED = '#616161';
const DNS_COLOUR = '#6a1b9a';
const REPLICATION_COLOUR = '#1565c0';

const PAD = 16;
const GAP = 72;
const ROW = 22;
const PANEL_TITLE = 24;
const REGION_HEADER = 34;

interface Row {
  label: string;
  value: string;
  status: Status;
  mono?: boolean;
}

const short = (revision: string) => (/^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 7) : revision);

function clusterRows(region: RegionSnapshot, head: string | undefined): Row[] {
  const cluster = region.cluster;
  if (!cluster) {
    return ['Kubernetes API', 'syncer', 'Crossplane', 'failover controller'].map((label) => ({
      label,
      value: 'unreachable',
      status: 'bad' as const,
    }));
  }
  const revision = cluster.syncedRevision;
  let sync: Row = { label: 'syncer', value: 'not synced yet', status: 'warn' };
  if (revision !== undefined) {
    const current = head === undefined || revision === head;
    sync = {
      label: 'syncer',
      value: current ? `synced ${short(revision)}` : `at ${short(revision)}, HEAD ${short(head)}`,
      status: current ? 'ok' : 'warn',
      mono: true,
    };
  }
  const allReady = cluster.managedResources > 0 && cluster.readyResources === cluster.managedResources;
  return [
    { label: 'Kubernetes API', value: cluster.apiUrl, status: 'ok', mono: true },
    sync,
    {
      label: 'Crossplane',
      value: `${cluster.readyResources}/${cluster.managedResources} resources ready`,
      status: allReady ? 'ok' : 'warn',
    },
    {
      label: 'failover controller',
      value: cluster.controller,
      status: cluster.controller === 'running' ? 'ok' : 'bad',
    },
  ];
}

function awsRows(region: RegionSnapshot): Row[] {
  const aws = region.aws;
  const labels = ['Aurora', 'ALB', 'Auto Scaling group', 'traffic gate'];
  if (!aws) return labels.map((label) => ({ label, value: 'unreachable', status: 'bad' as const }));
  const { inService, desired } = aws.asg;
  return [
    { label: 'Aurora', value: aws.aurora, status: aws.aurora === 'writer' ? 'writer' : 'ok' },
    { label: 'ALB', value: aws.albHealthy ? 'healthy' : 'unhealthy', status: aws.albHealthy ? 'ok' : 'bad' },
    {
      label: 'Auto Scaling group',
      value: `${inService}/${desired} in service`,
      status: inService >= desired && desired > 0 ? 'ok' : inService > 0 ? 'warn' : 'off',
    },
    aws.trafficGate === undefined
      ? { label: 'traffic gate', value: 'unknown', status: 'off' }
      : {
          label: 'traffic gate',
          value: aws.trafficGate,
          status: aws.trafficGate === 'open' ? 'ok' : 'off',
        },
  ];
}

/** A titled panel of rows: label on the left, a status dot and the value on the right. */
function panel(x: number, y: number, width: number, title: string, rows: Row[]): string[] {
  const height = PANEL_TITLE + rows.length * ROW + 6;
  const parts = [
    element('rect', { x, y, width, height, rx: 6, fill: '#ffffff', stroke: '#cfd8dc' }),
    text(x + 10, y + 17, title, { 'font-size': 12, 'font-weight': 'bold', fill: INK }),
  ];
  const valueX = x + 150;
  rows.forEach((row, i) => {
    const baseline = y + PANEL_TITLE + i * ROW + 15;
    parts.push(
      text(x + 10, baseline, row.label, { 'font-size': 12, fill: MUTED }),
      element('circle', { cx: valueX - 8, cy: baseline - 4, r: 4, fill: STATUS_COLOUR[row.status] }),
      text(valueX, baseline, fitText(row.value, row.mono ? 11 : 12, x + width - 8 - valueX), {
        'font-size': row.mono ? 11 : 12,
        fill: row.status === 'bad' ? STATUS_COLOUR.bad : INK,
        'font-family': row.mono ? MONO : undefined,
        'font-weight': row.status === 'writer' ? 'bold' : undefined,
      }),
    );
  });
  return parts;
}

const panelHeight = (rows: number) => PANEL_TITLE + rows * ROW + 6;

/** A badge: rounded rectangle with centred text, right-aligned at `right`. */
function badge(right: number, y: number, label: string, colour: string): { markup: string[]; width: number } {
  const width = textWidth(label, 10) + 12;
  return {
    width,
    markup: [
      element('rect', { x: right - width, y, width, height: 18, rx: 9, fill: colour }),
      text(right - width / 2, y + 13, label, {
        'font-size': 10,
        'font-weight': 'bold',
        fill: '#ffffff',
        'text-anchor': 'middle',
      }),
    ],
  };
}

function regionState(region: RegionSnapshot): 'up' | 'degraded' | 'down' {
  if (!region.cluster && !region.aws) return 'down';
  if (!region.cluster || !region.aws || region.cluster.controller === 'down' || !region.aws.albHealthy) {
    return 'degraded';
  }
  return 'up';
}

const arrowDefs = (id: string, colour: string) =>
  element(
    'marker',
    {
      id,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      // In picture units, so a thick arrow does not get a huge head.
      markerUnits: 'userSpaceOnUse',
      markerWidth: 10,
      markerHeight: 10,
      orient: 'auto-start-reverse',
    },
    element('path', { d: 'M0,0 L10,5 L0,10 z', fill: colour }),
  );

/** The SVG document (with XML declaration), ending in a newline. */
export function systemSvg(system: SystemSnapshot, options: SystemSvgOptions = {}): string {
  const width = options.width ?? 800;
  const count = Math.max(system.regions.length, 1);
  const columnWidth = (width - 2 * PAD - (count - 1) * GAP) / count;
  const columnX = (i: number) => PAD + i * (columnWidth + GAP);
  const title = system.title ?? 'Switchyard: the platform';
  const body: string[] = [text(PAD, 28, title, { 'font-size': 17, 'font-weight': 'bold', fill: INK })];

  // The environments repo, feeding every cluster.
  const repoWidth = 300;
  const repoX = (width - repoWidth) / 2;
  const repoY = 44;
  const repoHeight = 52;
  body.push(
    element('rect', {
      x: repoX,
      y: repoY,
      width: repoWidth,
      height: repoHeight,
      rx: 6,
      fill: '#fff8e1',
      stroke: '#ffb300',
    }),
    text(width / 2, repoY + 19, 'environments repo (git)', {
      'font-size': 12,
      'font-weight': 'bold',
      fill: INK,
      'text-anchor': 'middle',
    }),
    text(
      width / 2,
      repoY + 38,
      fitText(
        `${system.repo.path}${system.repo.head ? ` @ ${short(system.repo.head)}` : ''}`,
        11,
        repoWidth - 16,
      ),
      { 'font-size': 11, fill: MUTED, 'text-anchor': 'middle', 'font-family': MONO },
    ),
  );

  const regionsTop = repoY + repoHeight + 44;
  const clusterRowsOf = system.regions.map((region) => clusterRows(region, system.repo.head));
  const awsRowsOf = system.regions.map(awsRows);
  const clusterHeight = panelHeight(4);
  const awsTop = regionsTop + REGION_HEADER + clusterHeight + 28;
  const regionHeight = REGION_HEADER + clusterHeight + 28 + panelHeight(4) + 10;
  const auroraY = awsTop + PANEL_TITLE + 11;

  system.regions.forEach((region, i) => {
    const x = columnX(i);
    const state = regionState(region);
    const frame =
      state === 'down' ? STATUS_COLOUR.bad : state === 'degraded' ? STATUS_COLOUR.warn : STATUS_COLOUR.ok;
    const writer = region.aws?.aurora === 'writer';
    body.push(
      element('rect', {
        x,
        y: regionsTop,
        width: columnWidth,
        height: regionHeight,
        rx: 8,
        fill: state === 'down' ? '#ffebee' : '#f5f7f8',
        stroke: frame,
        'stroke-width': 2,
        'stroke-dasharray': state === 'down' ? '6 4' : undefined,
      }),
      text(x + 12, regionsTop + 23, region.name, { 'font-size': 15, 'font-weight': 'bold', fill: INK }),
    );
    // Badges, right to left: state, then role.
    let right = x + columnWidth - 10;
    const badges: [string, string][] = [];
    if (state !== 'up') badges.push([state.toUpperCase(), frame]);
    if (writer) badges.push(['PRIMARY · WRITER', STATUS_COLOUR.writer]);
    else if (region.aws) badges.push(['STANDBY', '#78909c']);
    for (const [label, colour] of badges) {
      const drawn = badge(right, regionsTop + 9, label, colour);
      body.push(...drawn.markup);
      right -= drawn.width + 6;
    }

    const innerX = x + 10;
    const innerWidth = columnWidth - 20;
    const clusterTop = regionsTop + REGION_HEADER;
    body.push(...panel(innerX, clusterTop, innerWidth, 'Kubernetes cluster', clusterRowsOf[i] ?? []));
    // Crossplane (through the local provider) provisions the region's AWS.
    const arrowX = x + columnWidth / 2;
    body.push(
      element('line', {
        x1: arrowX,
        y1: clusterTop + clusterHeight + 2,
        x2: arrowX,
        y2: awsTop - 2,
        stroke: '#78909c',
        'stroke-width': 1.5,
        'marker-end': 'url(#sy-arrow-grey)',
      }),
      text(arrowX + 8, clusterTop + clusterHeight + 18, 'Crossplane provisions', {
        'font-size': 10,
        fill: MUTED,
      }),
    );
    body.push(...panel(innerX, awsTop, innerWidth, 'AWS (simulator)', awsRowsOf[i] ?? []));
  });

  // Sync arrows from the repo to each region's cluster.
  system.regions.forEach((region, i) => {
    const targetX = columnX(i) + columnWidth / 2;
    const reachable = region.cluster !== undefined;
    body.push(
      element('path', {
        d: `M${width / 2},${repoY + repoHeight} C${width / 2},${regionsTop - 20} ${targetX},${repoY + repoHeight + 20} ${targetX},${regionsTop - 2}`,
        fill: 'none',
        stroke: reachable ? '#ffb300' : STATUS_COLOUR.off,
        'stroke-width': 1.5,
        'stroke-dasharray': reachable ? undefined : '4 4',
        'marker-end': reachable ? 'url(#sy-arrow-amber)' : undefined,
      }),
    );
  });
  body.push(
    text(width / 2, regionsTop - 12, 'each cluster’s syncer applies it', {
      'font-size': 10,
      fill: MUTED,
      'text-anchor': 'middle',
    }),
  );

  // Aurora global replication, from the writer to every reachable reader beside it.
  const writerIndex = system.regions.findIndex((region) => region.aws?.aurora === 'writer');
  system.regions.forEach((region, i) => {
    if (i === writerIndex || Math.abs(i - writerIndex) !== 1 || writerIndex < 0) return;
    const leftToRight = i > writerIndex;
    const from = leftToRight ? columnX(writerIndex) + columnWidth : columnX(writerIndex);
    const to = leftToRight ? columnX(i) : columnX(i) + columnWidth;
    const middle = (from + to) / 2;
    const reachable = region.aws !== undefined;
    body.push(
      element('line', {
        x1: from + (leftToRight ? 2 : -2),
        y1: auroraY,
        x2: to + (leftToRight ? -2 : 2),
        y2: auroraY,
        stroke: reachable ? REPLICATION_COLOUR : STATUS_COLOUR.off,
        'stroke-width': 2,
        'stroke-dasharray': reachable ? undefined : '4 4',
        'marker-end': reachable ? 'url(#sy-arrow-blue)' : undefined,
      }),
      text(middle, auroraY - 8, 'replicates', {
        'font-size': 10,
        fill: reachable ? REPLICATION_COLOUR : STATUS_COLOUR.off,
        'text-anchor': 'middle',
      }),
    );
  });

  // Route 53 below, answering one region.
  const regionsBottom = regionsTop + regionHeight;
  const dnsTop = regionsBottom + 48;
  const dnsWidth = 300;
  const dnsX = (width - dnsWidth) / 2;
  const dnsHeight = 52;
  const answered = system.regions.findIndex((region) => region.name === system.dns.answer);
  body.push(
    element('rect', {
      x: dnsX,
      y: dnsTop,
      width: dnsWidth,
      height: dnsHeight,
      rx: 6,
      fill: '#f3e5f5',
      stroke: DNS_COLOUR,
    }),
    text(width / 2, dnsTop + 19, 'Route 53', {
      'font-size': 12,
      'font-weight': 'bold',
      fill: INK,
      'text-anchor': 'middle',
    }),
    text(
      width / 2,
      dnsTop + 38,
      fitText(`${system.dns.name} → ${system.dns.answer ?? 'no answer'}`, 11, dnsWidth - 16),
      { 'font-size': 11, fill: DNS_COLOUR, 'text-anchor': 'middle', 'font-family': MONO },
    ),
  );
  system.regions.forEach((_, i) => {
    const targetX = columnX(i) + columnWidth / 2;
    const isAnswer = i === answered;
    body.push(
      element('path', {
        d: `M${width / 2},${dnsTop} C${width / 2},${dnsTop - 24} ${targetX},${regionsBottom + 24} ${targetX},${regionsBottom + 2}`,
        fill: 'none',
        stroke: isAnswer ? DNS_COLOUR : '#cfd8dc',
        'stroke-width': isAnswer ? 2.5 : 1,
        'stroke-dasharray': isAnswer ? undefined : '4 4',
        'marker-end': isAnswer ? 'url(#sy-arrow-purple)' : undefined,
      }),
    );
  });
  body.push(
    text(width / 2, regionsBottom + 22, 'DNS answers the open, healthy region', {
      'font-size': 10,
      fill: MUTED,
      'text-anchor': 'middle',
    }),
  );

  let height = dnsTop + dnsHeight + 16;
  if (system.aws) {
    height += 8;
    body.push(
      text(width - PAD, height - 12, `AWS simulator: ${system.aws.url}`, {
        'font-size': 10,
        fill: '#9e9e9e',
        'text-anchor': 'end',
        'font-family': MONO,
      }),
    );
  }

  const description = system.regions
    .map(
      (region) =>
        `${region.name}: ${regionState(region)}${region.aws ? `, Aurora ${region.aws.aurora}` : ''}`,
    )
    .join('; ');
  return svgDocument({
    width,
    height,
    title,
    description: `${description}; ${system.dns.name} answers ${system.dns.answer ?? 'nothing'}`,
    defs: [
      arrowDefs('sy-arrow-grey', '#78909c'),
      arrowDefs('sy-arrow-amber', '#ffb300'),
      arrowDefs('sy-arrow-blue', REPLICATION_COLOUR),
      arrowDefs('sy-arrow-purple', DNS_COLOUR),
    ],
    body,
  });
}
