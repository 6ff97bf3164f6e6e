/**
 * `switchyard picture`: the README's pictures, drawn from data rather than by hand. `timeline` reads
 * a Failover as kubectl prints it (`kubectl get failover NAME -o yaml`); `system` reads a snapshot of
 * the platform as JSON (the shape of {@link SystemSnapshot}).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { FailoverResource } from '../apis/failover.js';
import type { Command, CommandIo } from './io.js';
import { type SystemSnapshot, systemSvg } from './pictures/system-svg.js';
import { formatTimelineTable, timelineRows } from './pictures/timeline.js';
import { type TimelineMarker, timelineSvg } from './pictures/timeline-svg.js';

const USAGE = [
  'switchyard picture timeline <failover.yaml|-> [--marker <kind>,<time>,<label>]... [--now <time>] [--table] [--out <file.svg>]',
  '       switchyard picture system <snapshot.json|-> [--out <file.svg>]',
  '  <kind> is fault, detection, traffic or note; <time> is RFC 3339. The SVG goes to --out, else to stdout',
  '  unless --table (the step table) was asked for.',
].join('\n');

const MARKER_KINDS = ['fault', 'detection', 'traffic', 'note'] as const;

const snapshotSchema = z.strictObject({
  title: z.string().optional(),
  repo: z.strictObject({ path: z.string(), head: z.string().optional() }),
  dns: z.strictObject({ name: z.string(), answer: z.string().optional() }),
  aws: z.strictObject({ url: z.string() }).optional(),
  regions: z.array(
    z.strictObject({
      name: z.string(),
      cluster: z
        .strictObject({
          apiUrl: z.string(),
          syncedRevision: z.string().optional(),
          managedResources: z.int().min(0),
          readyResources: z.int().min(0),
          controller: z.enum(['running', 'down']),
        })
        .optional(),
      aws: z
        .strictObject({
          aurora: z.enum(['writer', 'reader']),
          albHealthy: z.boolean(),
          asg: z.strictObject({ inService: z.int().min(0), desired: z.int().min(0) }),
          trafficGate: z.enum(['open', 'closed']).optional(),
        })
        .optional(),
    }),
  ),
}) satisfies z.ZodType<SystemSnapshot>;

class UsageError extends Error {}

const parseCommandLine = (args: string[]) =>
  parseArgs({
    args,
    options: {
      marker: { type: 'string', multiple: true },
      now: { type: 'string' },
      out: { type: 'string' },
      table: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });

async function readInput(path: string, io: CommandIo): Promise<string> {
  if (path !== '-') return readFileSync(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseMarker(value: string): TimelineMarker {
  const [kind, at, ...label] = value.split(',');
  if (!MARKER_KINDS.includes(kind as (typeof MARKER_KINDS)[number]) || !at || label.length === 0) {
    throw new UsageError(
      `--marker "${value}": expected <kind>,<time>,<label> with kind ${MARKER_KINDS.join('|')}`,
    );
  }
  if (Number.isNaN(Date.parse(at)))
    throw new UsageError(`--marker "${value}": "${at}" is not an RFC 3339 time`);
  return { kind: kind as TimelineMarker['kind'], at, label: label.join(',') };
}

function issuesOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

export const command: Command = {
  summary: "Draw the README's pictures (a Failover's timeline, the platform) as SVG from data",
  usage: USAGE,
  async run(args, io) {
    const fail = (message: string, code: number) => {
      io.stderr.write(`switchyard picture: ${message}\n`);
      return code;
    };
    let parsed: ReturnType<typeof parseCommandLine>;
    try {
      parsed = parseCommandLine(args);
    } catch (error) {
      return fail(`${error instanceof Error ? error.message : String(error)}\nusage: ${USAGE}`, 2);
    }
    const { values, positionals } = parsed;
    const [kind, input] = positionals;
    if ((kind !== 'timeline' && kind !== 'system') || !input || positionals.length !== 2) {
      return fail(`usage: ${USAGE}`, 2);
    }

    let svg: string;
    try {
      const source = await readInput(input, io);
      if (kind === 'timeline') {
        if (values.now !== undefined && Number.isNaN(Date.parse(values.now))) {
          throw new UsageError(`--now "${values.now}" is not an RFC 3339 time`);
        }
        const markers = (values.marker ?? []).map(parseMarker);
        const failover = FailoverResource.safeParse(parse(source));
        if (!failover.success) {
          return fail(
            `${input} is not a Failover: ${failover.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
            1,
          );
        }
        const clock = values.now === undefined ? {} : { now: values.now };
        if (values.table) io.stdout.write(formatTimelineTable(timelineRows(failover.data, clock)));
        svg = timelineSvg(failover.data, { markers, ...clock });
      } else {
        if (values.marker || values.now || values.table) {
          throw new UsageError('--marker, --now and --table are for `picture timeline`');
        }
        const snapshot = snapshotSchema.safeParse(JSON.parse(source));
        if (!snapshot.success)
          return fail(`${input} is not a platform snapshot: ${issuesOf(snapshot.error)}`, 1);
        svg = systemSvg(snapshot.data);
      }
    } catch (error) {
      if (error instanceof UsageError) return fail(error.message, 2);
      if (
        error instanceof SyntaxError ||
        error instanceof YAMLParseError ||
        (error as NodeJS.ErrnoException).code === 'ENOENT'
      ) {
        return fail(`${input}: ${(error as Error).message}`, 1);
      }
      throw error;
    }

    if (values.out) {
      writeFileSync(values.out, svg);
      io.stderr.write(`switchyard picture: wrote ${values.out}\n`);
    } else if (!values.table) {
      io.stdout.write(svg);
    }
    return 0;
  },
};
