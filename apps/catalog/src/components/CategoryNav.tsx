import clsx from 'clsx';

export const CATEGORIES = [
  { slug: 'web-development', label: 'Web development' },
  { slug: 'data-science', label: 'Data science' },
  { slug: 'design', label: 'Design' },
  { slug: 'cloud', label: 'Cloud & DevOps' },
  { slug: 'leadership', label: 'Leadership' },
] as const;

export function CategoryNav({ active }: { active: string | null }) {
  return (
    <nav className="category-nav" aria-label="Categories">
      <a href="#/" className={clsx({ 'is-active': active === null })}>
        All courses
      </a>
      {CATEGORIES.map((category) => (
        <a
          key={category.slug}
          href={`#/category/${category.slug}`}
          className={clsx({ 'is-active': active === category.slug })}
          aria-current={active === category.slug ? 'page' : undefined}
        >
          {category.label}
        </a>
      ))}
    </nav>
  );
}
