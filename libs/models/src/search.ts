import type { CourseSummary } from './course';

export type FacetField = 'category' | 'level' | 'duration';

export interface FacetBucket {
  value: string;
  label: string;
  count: number;
}

export interface Facet {
  field: FacetField;
  buckets: FacetBucket[];
}

export interface SearchQuery {
  text: string;
  filters: Partial<Record<FacetField, string[]>>;
  page: number;
}

export interface SearchHit {
  course: CourseSummary;
  /** Title/subtitle fragments with <mark> around matched terms. */
  highlights: string[];
  score: number;
}

export interface SearchResponse {
  hits: SearchHit[];
  facets: Facet[];
  total: number;
  tookMs: number;
}
