/** A reseller's data export as a workflow. Workflow-safe: no Node built-ins. */

export interface DataExportInput {
  /** `data_exports.id`. */
  exportId: number;
  publicId: string;
  resellerId: number;
  /** How long the archive can be downloaded once built (DATA_EXPORT_LINK_HOURS). */
  linkHours: number;
}

export const dataExportWorkflowId = (publicId: string): string => `data-export-${publicId}`;
