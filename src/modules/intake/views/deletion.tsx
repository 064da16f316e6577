import { CsrfField } from '../../../platform/views/form.js';
import { PublicLayout } from '../../../platform/views/public-layout.js';
import type { IntakeContext } from './context.js';

/**
 * "Check before you delete": says exactly what will be deleted, what is kept, and that it
 * cannot be undone, before anything happens. Going back is a plain link.
 */
export function DeleteConfirmPage(props: { ctx: IntakeContext; csrfToken: string }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <PublicLayout ctx={ctx} home={ctx.link('/')} title={t('intake.delete.title')}>
      <h1>{t('intake.delete.title')}</h1>
      <p>{t('intake.delete.intro')}</p>
      <ul>
        <li>{t('intake.delete.item_messages')}</li>
        <li>{t('intake.delete.item_contact')}</li>
        <li>{t('intake.delete.item_code')}</li>
      </ul>
      <p>{t('intake.delete.kept')}</p>
      <p>{t('intake.delete.backups')}</p>
      <p class="warning">
        <strong>{t('intake.delete.cannot_undo')}</strong>
      </p>
      <form method="post" action={ctx.link('/followup/delete/confirm')}>
        <CsrfField token={props.csrfToken} />
        <button type="submit">{t('intake.delete.confirm')}</button>
      </form>
      <p>
        <a href={ctx.link('/followup/conversation')}>{t('intake.delete.cancel')}</a>
      </p>
    </PublicLayout>
  );
}

/** After a deletion: it is done, the code no longer works, and how to ask again. */
export function DeletedPage(props: { ctx: IntakeContext }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <PublicLayout ctx={ctx} home={ctx.link('/')} title={t('intake.deleted.title')}>
      <h1>{t('intake.deleted.title')}</h1>
      <p class="notice" role="status">
        {t('intake.deleted.body')}
      </p>
      <p>
        <a href={ctx.link('/request')}>{t('intake.deleted.new_request')}</a>
      </p>
    </PublicLayout>
  );
}
