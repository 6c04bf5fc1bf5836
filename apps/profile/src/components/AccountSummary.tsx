import type { Learner } from '@acme/models';
import { Card } from '@acme/design-system';
import { formatDate } from '@acme/formatting/dates';

export function AccountSummary({ learner }: { learner: Learner }) {
  return (
    <Card as="section" title="Account" className="account-summary">
      <dl>
        <dt>Name</dt>
        <dd>{learner.displayName}</dd>
        <dt>Email</dt>
        <dd>{learner.email}</dd>
        <dt>Member since</dt>
        <dd>{formatDate(learner.joinedAt, learner.locale === 'de' ? 'de-DE' : 'en-US')}</dd>
      </dl>
    </Card>
  );
}
