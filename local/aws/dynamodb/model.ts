/** DynamoDB tables as the simulator keeps them: control plane only, no items. */

export interface KeyElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}
export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: 'S' | 'N' | 'B';
}

/** A global table's replicas: one object shared by every region's copy of the table. */
export interface ReplicaSet {
  regions: string[];
}

export interface Table {
  name: string;
  region: string;
  arn: string;
  id: string;
  keySchema: KeyElement[];
  attributeDefinitions: AttributeDefinition[];
  billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  createdAt: Date;
  deletionProtection: boolean;
  stream?: { enabled: boolean; viewType?: string; label: string };
  sseEnabled: boolean;
  replicas: ReplicaSet;
}
