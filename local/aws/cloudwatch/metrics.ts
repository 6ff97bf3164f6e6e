export interface Dimension {
  Name: string;
  Value: string;
}

export interface Datapoint {
  namespace: string;
  metricName: string;
  /** Dimensions as a canonical key, so lookups ignore their order. */
  dimensionsKey: string;
  timestamp: number;
  value: number;
  unit?: string;
}

export function dimensionsKey(dimensions: readonly Dimension[] = []): string {
  return [...dimensions]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((d) => `${d.Name}=${d.Value}`)
    .join(',');
}

export type Statistic = 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';

export function statistic(values: readonly number[], stat: string): number | undefined {
  if (values.length === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
    default:
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}

/** Datapoints of one region's CloudWatch. */
export class MetricStore {
  private readonly points: Datapoint[] = [];

  /** Datapoints stamped at or after `from`, newest last. */
  since(from: number): Datapoint[] {
    return this.points.filter((p) => p.timestamp >= from);
  }

  put(point: Datapoint): void {
    this.points.push(point);
  }

  query(namespace: string, metricName: string, key: string, from: number, to: number): Datapoint[] {
    return this.points.filter(
      (p) =>
        p.namespace === namespace &&
        p.metricName === metricName &&
        p.dimensionsKey === key &&
        p.timestamp >= from &&
        p.timestamp < to,
    );
  }
}
