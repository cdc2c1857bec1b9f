/** A row of `markup_tiers`: a named markup resellers can be put on. */
export interface MarkupTierRow {
  id: number;
  name: string;
  markupBps: number;
  createdAt: Date;
  updatedAt: Date;
}
