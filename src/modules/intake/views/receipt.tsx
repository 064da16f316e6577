import { PublicLayout } from '../../../platform/views/public-layout.js';
import type { IntakeContext } from './context.js';

/**
 * The code in its groups, each kept whole on one line (the stylesheet's `.receipt span`): a
 * line may end only after a group's hyphen, where `<wbr>` allows it even before a digit. The
 * spans add no character, so what a person selects and copies is the code exactly.
 */
function ReceiptCode(p: { code: string }) {
  const groups = p.code.split('-');
  return (
    <>
      {groups.map((g, i) =>
        i < groups.length - 1 ? (
          <>
            <span>{`${g}-`}</span>
            <wbr />
          </>
        ) : (
          <span>{g}</span>
        ),
      )}
    </>
  );
}

/**
 * The receipt, shown this once. The language links are hidden: following one would leave
 * the page and the code with it.
 */
export function ReceiptPage(props: { ctx: IntakeContext; receipt: string }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <PublicLayout
      ctx={ctx}
      home={ctx.link('/')}
      title={t('intake.receipt.title')}
      languageLinks={false}
    >
      <h1>{t('intake.receipt.title')}</h1>
      <p>{t('intake.receipt.code_intro')}</p>
      <p id="receipt" class="receipt">
        <ReceiptCode code={props.receipt} />
      </p>
      <div class="warning">
        <p>
          <strong>{t('intake.receipt.write_down')}</strong>
        </p>
        <p>{t('intake.receipt.cannot_recover')}</p>
        <p>{t('intake.receipt.keep_secret')}</p>
      </div>
      <h2>{t('intake.receipt.next_title')}</h2>
      <ol>
        <li>{t('intake.receipt.next_read')}</li>
        <li>{t('intake.receipt.next_check')}</li>
        <li>{t('intake.receipt.next_contact')}</li>
      </ol>
      <p>{t('intake.receipt.close')}</p>
      <p>
        <a href={ctx.link('/followup')}>{t('intake.receipt.followup_link')}</a>
      </p>
    </PublicLayout>
  );
}

/** A request form sent a second time (a reload, a double click): the first one was kept. */
export function AlreadySentPage(props: { ctx: IntakeContext }) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <PublicLayout ctx={ctx} home={ctx.link('/')} title={t('intake.already_sent.title')}>
      <h1>{t('intake.already_sent.title')}</h1>
      <p>{t('intake.already_sent.received')}</p>
      <p>{t('intake.already_sent.code_once')}</p>
      <ul>
        <li>
          <a href={ctx.link('/followup')}>{t('intake.already_sent.followup_link')}</a>
        </li>
        <li>
          <a href={ctx.link('/request')}>{t('intake.already_sent.new_link')}</a>
        </li>
      </ul>
    </PublicLayout>
  );
}
