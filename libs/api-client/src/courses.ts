import type { Course, CourseLevel, CourseSummary, Enrollment, Page } from '@acme/models';
import { request } from './http';

export interface CourseListParams {
  category?: string;
  level?: CourseLevel;
  page?: number;
  pageSize?: number;
  sort?: 'popular' | 'newest' | 'rating';
}

export function fetchCourses(params: CourseListParams = {}, signal?: AbortSignal): Promise<Page<CourseSummary>> {
  return request('/courses', { query: { ...params }, signal });
}

export function fetchCourse(slug: string, signal?: AbortSignal): Promise<Course> {
  return request(`/courses/${encodeURIComponent(slug)}`, { signal });
}

export function fetchEnrollments(signal?: AbortSignal): Promise<Enrollment[]> {
  return request('/me/enrollments', { signal });
}

export function enroll(courseId: string): Promise<Enrollment> {
  return request('/me/enrollments', { method: 'POST', body: { courseId } });
}
