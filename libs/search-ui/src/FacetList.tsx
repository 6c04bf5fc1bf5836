import type { Facet, FacetField } from '@acme/models';
import './search-ui.css';

const FACET_TITLES: Record<FacetField, string> = {
  category: 'Category',
  level: 'Level',
  duration: 'Duration',
};

export interface FacetListProps {
  facets: Facet[];
  selected: Partial<Record<FacetField, string[]>>;
  onToggle: (field: FacetField, value: string) => void;
}

export function FacetList({ facets, selected, onToggle }: FacetListProps) {
  return (
    <aside className="facet-list" aria-label="Filters">
      {facets.map((facet) => (
        <fieldset key={facet.field}>
          <legend>{FACET_TITLES[facet.field]}</legend>
          {facet.buckets.map((bucket) => (
            <label key={bucket.value} className="facet-list__option">
              <input
                type="checkbox"
                checked={selected[facet.field]?.includes(bucket.value) ?? false}
                onChange={() => onToggle(facet.field, bucket.value)}
              />
              {bucket.label} <span className="facet-list__count">{bucket.count}</span>
            </label>
          ))}
        </fieldset>
      ))}
    </aside>
  );
}
