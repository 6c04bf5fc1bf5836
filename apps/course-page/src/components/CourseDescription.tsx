import { useMemo } from 'react';
import { Marked } from 'marked';

// Course descriptions are authored in the CMS as Markdown. Raw HTML blocks are
// dropped so instructors cannot inject markup into the page.
const markdown = new Marked({
  gfm: true,
  renderer: {
    html: () => '',
  },
});

export default function CourseDescription({ source }: { source: string }) {
  const html = useMemo(() => markdown.parse(source, { async: false }), [source]);
  return <section className="course-description" dangerouslySetInnerHTML={{ __html: html }} />;
}
