import type { SearchQuery, SearchResponse } from '@acme/models';
import { request } from './http';

export function searchCourses(query: SearchQuery, signal?: AbortSignal): Promise<SearchResponse> {
  return request('/search/courses', { method: 'POST', body: query, signal });
}

export function fetchSuggestions(prefix: string, signal?: AbortSignal): Promise<string[]> {
  return request('/search/suggest', { query: { q: prefix, limit: 8 }, signal });
}
