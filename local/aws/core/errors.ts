/**
 * An error the simulated service returns to the client. Each protocol renders it in its own wire
 * shape (awsQuery ErrorResponse, restXml ErrorResponse / S3 Error, awsJson __type) so the SDK raises
 * the typed exception whose wire code is `code`.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export function invalidParameterValue(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message);
}

export function invalidParameterCombination(message: string): AwsError {
  return new AwsError('InvalidParameterCombination', message);
}

/** Used when a request is answered with a throttling error; every SDK retries on this code. */
export function throttling(): AwsError {
  return new AwsError('Throttling', 'Rate exceeded', 400);
}

export function serviceUnavailable(service: string): AwsError {
  return new AwsError(
    'ServiceUnavailable',
    `The ${service} service is unavailable. Please try again later.`,
    503,
    'Receiver',
  );
}
