import type { Command, CommandIo } from './io.js';

/** Loaded lazily so `switchyard validate` does not pay for the modules of other commands. */
const commands: Record<string, () => Promise<Command>> = {
  aws: async () => (await import('./aws.js')).command,
  chaos: async () => (await import('./chaos.js')).command,
  demo: async () => (await import('./demo.js')).command,
  gitops: async () => (await import('./gitops.js')).command,
  journal: async () => (await import('./journal.js')).command,
  kube: async () => (await import('./kube.js')).command,
  generate: async () => (await import('./generate.js')).command,
  picture: async () => (await import('./picture.js')).command,
  plan: async () => (await import('./plan.js')).command,
  publish: async () => (await import('./publish.js')).command,
  render: async () => (await import('./render.js')).command,
  start: async () => (await import('./start.js')).command,
  validate: async () => (await import('./validate.js')).command,
};

function usage(): string {
  const lines = ['usage: switchyard <command> [args]', '', 'commands:'];
  for (const name of Object.keys(commands).sort()) lines.push(`  ${name}`);
  return `${lines.join('\n')}\n`;
}

export async function runCommand(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`switchyard: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // Commands report expected failures themselves; anything reaching here is a bug, but the
    // user still gets one line rather than a stack trace.
    io.stderr.write(`switchyard ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
