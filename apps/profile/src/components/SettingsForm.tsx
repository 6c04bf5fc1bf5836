import { useState, type FormEvent } from 'react';
import type { LearnerSettings } from '@acme/models';
import { Button, Card } from '@acme/design-system';
import { updateSettings } from '@acme/api-client/learners';
import { useTranslation } from '@acme/i18n';

const DIGEST_OPTIONS: Array<{ value: LearnerSettings['emailDigest']; label: string }> = [
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly' },
  { value: 'never', label: 'Never' },
];

export function SettingsForm({ initial }: { initial: LearnerSettings }) {
  const { t } = useTranslation();
  const [settings, setSettings] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  function update<K extends keyof LearnerSettings>(key: K, value: LearnerSettings[K]) {
    setSettings((current) => ({ ...current, [key]: value }));
    setSaved(false);
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    try {
      setSettings(await updateSettings(settings));
      setSaved(true);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card as="section" title={t('profile.title')}>
      <form className="settings-form" onSubmit={handleSubmit}>
        <fieldset>
          <legend>Email digest</legend>
          {DIGEST_OPTIONS.map((option) => (
            <label key={option.value}>
              <input
                type="radio"
                name="emailDigest"
                checked={settings.emailDigest === option.value}
                onChange={() => update('emailDigest', option.value)}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Playback</legend>
          <label>
            <input
              type="checkbox"
              checked={settings.autoplayVideos}
              onChange={(event) => update('autoplayVideos', event.target.checked)}
            />
            Autoplay next lesson
          </label>
          <label>
            Captions
            <select value={settings.captionsLanguage} onChange={(event) => update('captionsLanguage', event.target.value)}>
              <option value="off">Off</option>
              <option value="en">English</option>
              <option value="de">Deutsch</option>
            </select>
          </label>
        </fieldset>
        <fieldset>
          <legend>Privacy</legend>
          <label>
            <input
              type="checkbox"
              checked={settings.publicProfile}
              onChange={(event) => update('publicProfile', event.target.checked)}
            />
            Show my certificates on a public profile
          </label>
        </fieldset>
        <Button type="submit" loading={saving}>
          {t('profile.save')}
        </Button>
        {saved ? <p role="status">{t('profile.saved')}</p> : null}
      </form>
    </Card>
  );
}
