import { useEffect, useMemo, useState } from 'react';
import type { FacetField, SearchQuery } from '@acme/models';
import { PageHeader } from '@acme/page-header';
import { FacetList, SearchBox, useCourseSearch } from '@acme/search-ui';
import { initAnalytics, track, usePageView } from '@acme/analytics';
import { ResultList } from './components/ResultList';
import { ResultsSummary } from './components/ResultsSummary';

initAnalytics('search');

type Filters = SearchQuery['filters'];

function initialText(): string {
  return new URLSearchParams(window.location.search).get('q') ?? '';
}

export function App() {
  const [text, setText] = useState(initialText);
  const [filters, setFilters] = useState<Filters>({});
  const query = useMemo<SearchQuery>(() => ({ text, filters, page: 1 }), [text, filters]);
  const { data, loading, error } = useCourseSearch(query);
  usePageView('/search');

  useEffect(() => {
    const url = new URL(window.location.href);
    if (text) url.searchParams.set('q', text);
    else url.searchParams.delete('q');
    window.history.replaceState(null, '', url);
  }, [text]);

  useEffect(() => {
    if (data) track({ name: 'search', query: text, resultCount: data.total });
    // Report once per response, not on every keystroke.
  }, [data]);

  function toggleFilter(field: FacetField, value: string) {
    setFilters((current) => {
      const values = current[field] ?? [];
      const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
      return { ...current, [field]: next };
    });
  }

  return (
    <>
      <PageHeader title="Search" activeHref="/search" />
      <div className="search-page">
        <div className="search-page__box">
          <SearchBox value={text} onChange={setText} />
        </div>
        <FacetList facets={data?.facets ?? []} selected={filters} onToggle={toggleFilter} />
        <main>
          {error ? <p role="alert">Search is temporarily unavailable.</p> : null}
          {data ? <ResultsSummary query={text} response={data} /> : null}
          <ResultList hits={data?.hits ?? []} loading={loading} />
        </main>
      </div>
    </>
  );
}
