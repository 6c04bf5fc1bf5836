import type { Money } from './commerce';

export type CourseLevel = 'beginner' | 'intermediate' | 'advanced';

export interface Instructor {
  id: string;
  name: string;
  title: string;
  avatarUrl?: string;
}

export interface Lesson {
  id: string;
  title: string;
  durationMinutes: number;
  /** Free preview lessons are playable without an enrollment. */
  preview: boolean;
}

export interface CourseModule {
  id: string;
  title: string;
  lessons: Lesson[];
}

export interface Course {
  id: string;
  slug: string;
  title: string;
  subtitle: string;
  /** Authored in the CMS as Markdown. */
  descriptionMarkdown: string;
  category: string;
  level: CourseLevel;
  durationMinutes: number;
  rating: number;
  ratingCount: number;
  price: Money;
  instructors: Instructor[];
  modules: CourseModule[];
  thumbnailUrl?: string;
  updatedAt: string;
}

export type CourseSummary = Pick<
  Course,
  | 'id'
  | 'slug'
  | 'title'
  | 'subtitle'
  | 'category'
  | 'level'
  | 'durationMinutes'
  | 'rating'
  | 'ratingCount'
  | 'price'
  | 'thumbnailUrl'
>;

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
