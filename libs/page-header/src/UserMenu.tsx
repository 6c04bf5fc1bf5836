import { useState } from 'react';
import type { Learner } from '@acme/models';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

export function UserMenu({ learner }: { learner?: Pick<Learner, 'displayName' | 'avatarUrl'> | null }) {
  const [open, setOpen] = useState(false);

  // The sample platform has no sign-in service: its one learner is always signed in, and the
  // account app (profile) is where a visitor who is not would go.
  if (!learner) {
    return (
      <a className="acme-header__signin" href="/profile">
        Sign in
      </a>
    );
  }

  return (
    <div className="acme-user-menu">
      <button
        type="button"
        className="acme-user-menu__trigger"
        aria-expanded={open}
        aria-label={`Account menu for ${learner.displayName}`}
        onClick={() => setOpen((value) => !value)}
      >
        {learner.avatarUrl ? (
          <img src={learner.avatarUrl} alt="" width={32} height={32} />
        ) : (
          <span className="acme-user-menu__initials">{initials(learner.displayName)}</span>
        )}
      </button>
      {open ? (
        <ul className="acme-user-menu__list">
          <li><a href="/home">My learning</a></li>
          <li><a href="/profile">Profile &amp; settings</a></li>
        </ul>
      ) : null}
    </div>
  );
}
