/** Region label on regional MRs, so XRs of the region pair can select one region's resources. */
import { fromComposite } from '../patch-and-transform/patches.js';
import { REGION_LABEL } from './labels.js';

export const regionLabelPatch = fromComposite('spec.region', `metadata.labels[${REGION_LABEL}]`);
