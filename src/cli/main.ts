import { runCommand } from './commands.js';

// The AWS SDK warns on every start that releases after January 2027 need Node 22; we pin the
// SDK (ADR 0000), so the warning is noise for anyone running the CLI. Set before any command
// module (and so the SDK) is loaded.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The `switchyard` command. Each subcommand lives in its own module; this file only dispatches
// and turns an exit code into the process exit status.
process.exitCode = await runCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
