/** The streams a command talks to; tests pass in-memory ones. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export type Command = {
  summary: string;
  usage: string;
  run(args: string[], io: CommandIo): Promise<number>;
};
