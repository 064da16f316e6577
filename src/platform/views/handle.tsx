import type { Translate } from '../i18n/index.js';
import { revealInvisible } from '../text.js';

/**
 * A contact handle (an email address, a phone number, a Signal username) as a handler must
 * read it: isolated from the text around it, left to right, and with every invisible or
 * direction-changing character shown as a marked `⟨U+202E⟩` token instead of taking effect,
 * with a warning after it. `safe@example.org\u202Egro.live` cannot pass for another address.
 */
export function Handle(props: { t: Translate; value: string }) {
  const { t } = props;
  const parts = revealInvisible(props.value);
  const hidden = parts.some((p) => typeof p !== 'string');
  return (
    <>
      <bdi dir="ltr" class="contact">
        {parts.map((p) =>
          typeof p === 'string' ? (
            p
          ) : (
            <mark class="hidden-char" title={t('common.hidden_char', { code: p.hidden })}>
              {`⟨${p.hidden}⟩`}
            </mark>
          ),
        )}
      </bdi>
      {hidden ? <p class="hidden-warning">{t('common.hidden_chars_warning')}</p> : null}
    </>
  );
}
