import { lazy, Suspense, useEffect, useState } from 'react';
import { PageHeader } from '@acme/page-header';
import { initAnalytics, usePageView } from '@acme/analytics';
import { CategoryNav } from './components/CategoryNav';
import bannerUrl from './assets/catalog-banner.png';

const BrowseRoute = lazy(() => import('./routes/browse'));
const CategoryRoute = lazy(() => import('./routes/category'));

initAnalytics('catalog');

function readHashPath(): string {
  return window.location.hash.replace(/^#/, '') || '/';
}

function useHashPath(): string {
  const [path, setPath] = useState(readHashPath);
  useEffect(() => {
    const onChange = () => setPath(readHashPath());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

export function App() {
  const path = useHashPath();
  const match = /^\/category\/([^/]+)/.exec(path);
  const category = match?.[1] ? decodeURIComponent(match[1]) : null;
  usePageView(`/catalog${path}`);

  return (
    <>
      <PageHeader title="Course catalog" subtitle="Over 1,200 courses taught by industry experts" activeHref="/catalog" />
      <img className="catalog-banner" src={bannerUrl} alt="" />
      <div className="catalog-layout">
        <CategoryNav active={category} />
        <main>
          <Suspense fallback={<p>Loading courses…</p>}>
            {category ? <CategoryRoute category={category} /> : <BrowseRoute />}
          </Suspense>
        </main>
      </div>
    </>
  );
}
