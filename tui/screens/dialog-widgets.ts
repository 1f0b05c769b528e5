import blessed from 'blessed';
import { filterLabels, isPickerField, matchingChoices } from '../state/filter-prompt.ts';
import { filterFields } from '../state/inbox-filters.ts';
import { esc } from './tag-escape.ts';
import { fit } from './text-fit.ts';
import type { FilterOverlay, Overlay } from '../state/dashboard-types.ts';

/** Keys the reply editor passes on while it holds the keyboard (blessed's full key names). */
export const editorKeys = ['C-s', 'escape', 'C-c'];

/** The prompt / confirmation box and the reply editor. */
export interface DialogWidgets {
  /** Shows the dialog the state asks for (the editor is opened and closed by effects). */
  update(overlay: Overlay | null, screenWidth: number, screenHeight?: number): void;
  /** Shows the reply editor, empty, and starts reading keys into it. */
  openEditor(ref: string): void;
  /** Stops reading and hides the editor. */
  closeEditor(): void;
  editorText(): string;
}

/**
 * The picker under the filter prompt's draft: the matching names (an agent's email beside its
 * name), at most `room`, scrolled to keep the highlighted one in sight, and how many more match.
 */
export function pickerLines(overlay: FilterOverlay, width: number, room: number): string[] {
  if (overlay.choicesError) return [`{red-fg}${esc(fit(`names not read (${overlay.choicesError}); type one in full`, width))}{/}`];
  if (!overlay.choices) return ['{gray-fg}loading the names…{/}'];
  const matches = matchingChoices(overlay);
  if (matches.length === 0)
    return [
      `{gray-fg}${esc(fit(overlay.draft.trim() ? 'no name matches: enter looks it up as typed' : 'none in this property', width))}{/}`,
    ];
  const picked = overlay.picked ?? -1;
  const shown = matches.length > room ? room - 1 : room;
  const first = Math.max(0, Math.min(picked - shown + 1, matches.length - shown));
  const lines = matches.slice(first, first + shown).map((c, n) => {
    const line = esc(fit(`${c.name}${c.detail ? ` <${c.detail}>` : ''}`, width));
    return n + first === picked ? `{black-fg}{cyan-bg}${line}{/}` : line;
  });
  if (matches.length > shown) lines.push(`{gray-fg}${esc(fit(`… ${matches.length - shown} more: type to narrow`, width))}{/}`);
  return lines;
}

/** What the dialog box shows for an overlay, `inner` columns wide: its label, height and tagged content. */
function dialogContent(
  overlay: Extract<Overlay, { type: 'prompt' | 'confirm' | 'filter' | 'properties' }>,
  inner: number,
  screenHeight: number,
): { label: string; height: number; content: string } {
  if (overlay.type === 'filter') {
    const fields = filterFields.map((f) => (f === overlay.field ? `{black-fg}{white-bg}${f}{/}` : f)).join(' ');
    const list = isPickerField(overlay.field) ? pickerLines(overlay, inner, Math.max(1, Math.min(8, screenHeight - 10))) : [''];
    const hint = isPickerField(overlay.field)
      ? '↑↓ choose · tab next field · enter applies · esc cancels'
      : 'tab next field · enter applies · esc cancels';
    return {
      label: ' filter the inbox ',
      height: 6 + list.length,
      content: [
        fields,
        esc(fit(filterLabels[overlay.field], inner)),
        `{bold}> ${esc(overlay.draft)}_{/bold}`,
        ...list,
        `{gray-fg}${esc(fit(hint, inner))}{/}`,
      ].join('\n'),
    };
  }
  if (overlay.type === 'properties') {
    const room = Math.max(1, Math.min(15, screenHeight - 6));
    const items = overlay.items ?? [];
    const first = Math.max(0, Math.min(overlay.selected - room + 1, items.length - room));
    const rows = overlay.error
      ? [`{red-fg}${esc(fit(overlay.error, inner))}{/}`]
      : overlay.items === null
        ? ['loading…']
        : items.slice(first, first + room).map((p, n) => {
            const line = esc(fit(`${p.slug}  ${p.name}`, inner));
            return n + first === overlay.selected ? `{black-fg}{cyan-bg}${line}{/}` : line;
          });
    return {
      label: ' switch property ',
      height: rows.length + 4,
      content: `${rows.join('\n')}\n{gray-fg}${esc(fit('j k move · enter switches · esc cancels', inner))}{/}`,
    };
  }
  if (overlay.type === 'prompt') {
    return {
      label: ` ${overlay.purpose} `,
      height: 5,
      content: `${esc(fit(overlay.label, inner))}\n{bold}> ${esc(overlay.draft)}_{/bold}\n{gray-fg}enter applies · esc cancels{/}`,
    };
  }
  const label = 'quit' in overlay.action ? ' quit ' : overlay.action.kind === 'delete' ? ' delete permanently ' : ' confirm ';
  return { label, height: 5, content: `${esc(fit(overlay.question, inner))}\n\n{bold}y{/bold} yes · {bold}n{/bold} no` };
}

/**
 * Builds the dialogs. The editor is a blessed textarea: while it reads, blessed gives it every
 * key and the screen none, so the keys that send or leave (`editorKeys`) are passed on to
 * `onEditorKey`, after the textarea has handled them itself (esc ends its reading first).
 */
export function createDialogWidgets(screen: blessed.Widgets.Screen, onEditorKey: (key: string) => void): DialogWidgets {
  const dialog = blessed.box({
    parent: screen,
    top: 'center',
    left: 'center',
    width: 70,
    height: 5,
    border: { type: 'line' },
    padding: { left: 1, right: 1 },
    tags: true,
    hidden: true,
    style: { border: { fg: 'yellow' } },
  });
  const editor = blessed.textarea({
    parent: screen,
    top: 'center',
    left: 'center',
    width: '90%',
    height: '70%',
    border: { type: 'line' },
    label: ' Reply ',
    inputOnFocus: false,
    // keys: true would open $EDITOR on C-e, outside the dashboard's control.
    keys: false,
    hidden: true,
    style: { border: { fg: 'green' } },
  });
  const reading = () => (editor as unknown as { _reading?: boolean })._reading === true;
  editor.on('keypress', (_ch: unknown, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
    const name = key?.full;
    if (name && editorKeys.includes(name) && reading()) process.nextTick(() => onEditorKey(name));
  });
  function stopReading(): void {
    if (!reading()) return;
    editor.cancel();
    // cancel() is a no-op in the tick the reading started; end it directly then.
    (editor as unknown as { _done?: (err: string) => void })._done?.('stop');
  }

  return {
    openEditor(ref) {
      stopReading();
      editor.clearValue();
      editor.setLabel(` Reply to ${ref} `);
      editor.show();
      editor.readInput();
    },
    closeEditor() {
      stopReading();
      editor.clearValue();
      editor.hide();
    },
    editorText: () => editor.getValue(),
    update(overlay, screenWidth, screenHeight = 24) {
      if (overlay?.type === 'editor') {
        editor.setLabel(` Reply to ${overlay.ref} by email · C-s sends · esc cancels${overlay.sending ? ' · sending…' : ''} `);
        // Back to typing after a refused send (esc during the send ended the reading).
        if (!overlay.sending && !reading() && !editor.hidden) editor.readInput();
      }
      if (overlay?.type !== 'prompt' && overlay?.type !== 'confirm' && overlay?.type !== 'filter' && overlay?.type !== 'properties') {
        dialog.hide();
        return;
      }
      dialog.width = Math.min(76, screenWidth - 2);
      const inner = Number(dialog.width) - 4;
      const shown = dialogContent(overlay, inner, screenHeight);
      dialog.height = shown.height;
      dialog.setLabel(shown.label);
      dialog.setContent(shown.content);
      dialog.show();
    },
  };
}
