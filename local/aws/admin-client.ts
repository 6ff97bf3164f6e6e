/** Talks to a running AWS simulator's admin API (`/_switchyard/…`) for the chaos and journal commands. */
export class SimulatorRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function adminRequest(baseUrl: string, path: string, init: RequestInit = {}): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(`/_switchyard/${path}`, baseUrl);
  } catch {
    throw new SimulatorRequestError(`--aws must be a URL, got "${baseUrl}"`, 0);
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new SimulatorRequestError(`cannot reach the AWS simulator at ${baseUrl}: ${String(error)}`, 0);
  }
  const body: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = (body as { error?: unknown }).error;
    throw new SimulatorRequestError(
      typeof message === 'string' ? message : `HTTP ${response.status}`,
      response.status,
    );
  }
  return body;
}
