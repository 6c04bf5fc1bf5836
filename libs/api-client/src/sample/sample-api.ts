import type {
  CartLine,
  Course,
  CourseSummary,
  Enrollment,
  EnrollmentStatus,
  Facet,
  FacetField,
  Learner,
  LearnerSettings,
  Money,
  Order,
  Page,
  SearchHit,
  SearchQuery,
  SearchResponse,
} from '@acme/models';
import data from './data.json';

/**
 * The sample workspace's stand-in for the platform's API. The sample has no server behind
 * `/api/v1`, so `request` (../http.ts) hands each request to this module instead of the
 * network, and it answers the routes the apps call from the sample data in ./data.json, as the
 * real API would (same paths, query strings, bodies, status codes). It is loaded on an app's
 * first request, as a lazy chunk of the app's bundle, so every page renders its content wherever
 * the bundle is served (`tessera edge` included). State (orders, enrollments, settings) lasts as
 * long as the page.
 */

export interface SampleRequest {
  method: string;
  /** The path below the API base, e.g. `/courses/intro-to-typescript`. */
  path: string;
  query: URLSearchParams;
  /** The request body as sent on the wire (JSON text), if any. */
  body?: string;
}

export interface SampleResponse {
  status: number;
  /** The response body as it would come off the wire (JSON text); none for 204. */
  body?: string;
}

interface StoredEnrollment {
  id: string;
  courseSlug: string;
  status: EnrollmentStatus;
  progressPercent: number;
  enrolledAt: string;
  lastActivityAt: string;
}

const TAX_RATE = 0.08;
const courses = data.courses as Course[];
const bySlug = new Map(courses.map((c) => [c.slug, c]));
const byId = new Map(courses.map((c) => [c.id, c]));
let settings = data.settings as LearnerSettings;
const enrollments = [...(data.enrollments as StoredEnrollment[])];
const orders = new Map<string, Order>();

const json = (status: number, value: unknown): SampleResponse => ({ status, body: JSON.stringify(value) });
const notFound = (what: string) => json(404, { error: `${what} not found` });

function toSummary(course: Course): CourseSummary {
  const { id, slug, title, subtitle, category, level, durationMinutes, rating, ratingCount, price, thumbnailUrl } = course;
  return { id, slug, title, subtitle, category, level, durationMinutes, rating, ratingCount, price, ...(thumbnailUrl ? { thumbnailUrl } : {}) };
}

function toEnrollment(stored: StoredEnrollment): Enrollment {
  const { courseSlug, ...rest } = stored;
  return { ...rest, course: toSummary(bySlug.get(courseSlug)!) };
}

const SORTS: Record<string, (a: Course, b: Course) => number> = {
  popular: (a, b) => b.ratingCount - a.ratingCount,
  newest: (a, b) => b.updatedAt.localeCompare(a.updatedAt),
  rating: (a, b) => b.rating - a.rating,
};

function listCourses(query: URLSearchParams): Page<CourseSummary> {
  const category = query.get('category');
  const level = query.get('level');
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const pageSize = Math.max(1, Number(query.get('pageSize') ?? 24) || 24);
  const matching = courses
    .filter((c) => (!category || c.category === category) && (!level || c.level === level))
    .sort(SORTS[query.get('sort') ?? 'popular'] ?? SORTS.popular);
  return { items: matching.slice((page - 1) * pageSize, page * pageSize).map(toSummary), page, pageSize, total: matching.length };
}

function sum(amounts: Money[]): Money {
  return { amountMinor: amounts.reduce((total, m) => total + m.amountMinor, 0), currency: 'USD' };
}

function createOrder(body: { courseIds?: string[]; couponCode?: string }): SampleResponse {
  const picked = (body.courseIds ?? []).map((id) => byId.get(id));
  if (picked.length === 0 || picked.some((c) => !c)) return json(422, { error: 'unknown or missing course ids' });
  const lines: CartLine[] = (picked as Course[]).map((c) => ({ courseId: c.id, title: c.title, price: c.price }));
  const subtotal = sum(lines.map((l) => l.price));
  const tax: Money = { amountMinor: Math.round(subtotal.amountMinor * TAX_RATE), currency: 'USD' };
  const order: Order = { id: `order-${orders.size + 1}`, lines, subtotal, tax, total: sum([subtotal, tax]), status: 'pending', createdAt: new Date().toISOString(), ...(body.couponCode ? { couponCode: body.couponCode } : {}) };
  orders.set(order.id, order);
  return json(201, order);
}

function enroll(body: { courseId?: string }): SampleResponse {
  const course = body.courseId ? byId.get(body.courseId) : undefined;
  if (!course) return json(422, { error: 'unknown course id' });
  const now = new Date().toISOString();
  const stored: StoredEnrollment = { id: `enr-${enrollments.length + 1}`, courseSlug: course.slug, status: 'active', progressPercent: 0, enrolledAt: now, lastActivityAt: now };
  enrollments.push(stored);
  return json(201, toEnrollment(stored));
}

const DURATION_BUCKETS = [
  { value: 'short', label: 'Under 2.5 hours', test: (m: number) => m < 150 },
  { value: 'medium', label: '2.5 to 3 hours', test: (m: number) => m >= 150 && m <= 180 },
  { value: 'long', label: 'Over 3 hours', test: (m: number) => m > 180 },
];
const CATEGORY_LABELS: Record<string, string> = { 'web-development': 'Web development', 'data-science': 'Data science', design: 'Design', cloud: 'Cloud & DevOps', leadership: 'Leadership' };
const LEVEL_LABELS: Record<string, string> = { beginner: 'Beginner', intermediate: 'Intermediate', advanced: 'Advanced' };

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The title with <mark> around each term, the only markup the search service sends. */
function highlight(title: string, terms: string[]): string {
  const escaped = escapeHtml(title);
  if (!terms.length) return escaped;
  return escaped.replace(new RegExp(terms.map((t) => escapeRegExp(escapeHtml(t))).join('|'), 'gi'), (hit) => `<mark>${hit}</mark>`);
}

function facetValue(course: Course, field: FacetField): string {
  if (field === 'category') return course.category;
  if (field === 'level') return course.level;
  return DURATION_BUCKETS.find((b) => b.test(course.durationMinutes))!.value;
}

function search(query: SearchQuery): SearchResponse {
  const started = performance.now();
  const terms = query.text.toLowerCase().split(/\s+/).filter((t) => t.length >= 2);
  const scored = courses
    .map((course) => {
      const haystack = `${course.title} ${course.subtitle} ${course.descriptionMarkdown}`.toLowerCase();
      return { course, score: terms.reduce((s, t) => s + (course.title.toLowerCase().includes(t) ? 3 : 0) + (haystack.includes(t) ? 1 : 0), 0) };
    })
    .filter((s) => terms.length === 0 || s.score > 0);
  const filters = query.filters ?? {};
  const passes = (course: Course, except?: FacetField) =>
    (Object.entries(filters) as [FacetField, string[]][]).every(([field, values]) => field === except || !values?.length || values.includes(facetValue(course, field)));
  const facet = (field: FacetField, labels: (value: string) => string, values: string[]): Facet => ({
    field,
    buckets: values
      .map((value) => ({ value, label: labels(value), count: scored.filter((s) => passes(s.course, field) && facetValue(s.course, field) === value).length }))
      .filter((b) => b.count > 0),
  });
  const hits: SearchHit[] = scored
    .filter((s) => passes(s.course))
    .sort((a, b) => b.score - a.score || b.course.ratingCount - a.course.ratingCount)
    .map(({ course, score }) => ({ course: toSummary(course), highlights: [highlight(course.title, terms)], score }));
  return {
    hits,
    facets: [
      facet('category', (v) => CATEGORY_LABELS[v] ?? v, Object.keys(CATEGORY_LABELS)),
      facet('level', (v) => LEVEL_LABELS[v] ?? v, Object.keys(LEVEL_LABELS)),
      facet('duration', (v) => DURATION_BUCKETS.find((b) => b.value === v)!.label, DURATION_BUCKETS.map((b) => b.value)),
    ],
    total: hits.length,
    tookMs: Math.round(performance.now() - started),
  };
}

function suggest(query: URLSearchParams): string[] {
  const prefix = (query.get('q') ?? '').toLowerCase();
  const limit = Number(query.get('limit') ?? 8) || 8;
  return prefix ? courses.map((c) => c.title).filter((t) => t.toLowerCase().includes(prefix)).slice(0, limit) : [];
}

/** Answers one API request from the sample data, as the platform's API would. */
export function answerSampleRequest(request: SampleRequest): SampleResponse {
  const { method, path, query } = request;
  const body = request.body === undefined ? {} : (JSON.parse(request.body) as Record<string, unknown>);
  const route = `${method} ${path}`;
  let match: RegExpExecArray | null;
  if (route === 'GET /courses') return json(200, listCourses(query));
  if ((match = /^GET \/courses\/([^/]+)$/.exec(route))) {
    const course = bySlug.get(decodeURIComponent(match[1]!));
    return course ? json(200, course) : notFound('course');
  }
  if (route === 'GET /me') return json(200, data.learner as Learner);
  if (route === 'GET /me/enrollments') return json(200, enrollments.map(toEnrollment));
  if (route === 'POST /me/enrollments') return enroll(body);
  if (route === 'GET /me/settings') return json(200, settings);
  if (route === 'PATCH /me/settings') {
    settings = { ...settings, ...(body as Partial<LearnerSettings>) };
    return json(200, settings);
  }
  if (route === 'POST /orders') return createOrder(body);
  if ((match = /^(GET|POST) \/orders\/([^/]+)(\/payment)?$/.exec(route))) {
    const order = orders.get(decodeURIComponent(match[2]!));
    if (!order) return notFound('order');
    if (match[1] === 'GET' && !match[3]) return json(200, order);
    if (match[1] === 'POST' && match[3]) {
      order.status = 'paid';
      return json(200, order);
    }
  }
  if (route === 'POST /search/courses') return json(200, search(body as unknown as SearchQuery));
  if (route === 'GET /search/suggest') return json(200, suggest(query));
  return notFound(`${method} ${path}`);
}
