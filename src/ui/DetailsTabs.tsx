// A WAI-ARIA tabs widget (automatic activation): one Tab stop for the list, arrows/Home/End move
// between tabs, Tab goes on into the panel. Every panel stays mounted (hidden when not selected)
// so its content is complete the moment it is shown.
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface DetailsTab {
  id: string;
  label: string;
  /** Extra words after the label, e.g. "1 failed" on the checks tab. */
  badge?: { text: string; tone: 'fail' | 'warn' | 'pass' } | null;
  content: ReactNode;
}

export function tabDomId(prefix: string, id: string): string {
  return `${prefix}-tab-${id}`;
}

export function DetailsTabs({
  label,
  tabs,
  selected,
  onSelect,
  idPrefix,
  extra,
}: {
  label: string;
  tabs: DetailsTab[];
  selected: string;
  onSelect: (id: string) => void;
  idPrefix?: string;
  /** Controls shown beside the tab list (outside it: a tablist holds only tabs). */
  extra?: ReactNode;
}) {
  const generated = useId();
  const prefix = idPrefix ?? generated;
  const listRef = useRef<HTMLDivElement>(null);
  const current = tabs.some((t) => t.id === selected) ? selected : (tabs[0]?.id ?? '');

  const move = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((t) => t.id === current);
    let next: number;
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        next = (i + 1) % tabs.length;
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        next = (i - 1 + tabs.length) % tabs.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = tabs.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    const tab = tabs[next];
    if (!tab) return;
    onSelect(tab.id);
    listRef.current?.querySelector<HTMLElement>(`#${CSS.escape(tabDomId(prefix, tab.id))}`)?.focus();
  };

  return (
    <div className="tabs">
      <div className="tabs__head">
        <div ref={listRef} role="tablist" aria-label={label} className="tabs__list" onKeyDown={move}>
          {tabs.map((t) => {
            const on = t.id === current;
            return (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={tabDomId(prefix, t.id)}
                aria-selected={on}
                aria-controls={`${prefix}-panel-${t.id}`}
                tabIndex={on ? 0 : -1}
                className="tabs__tab"
                onClick={() => onSelect(t.id)}
              >
                {t.label}
                {t.badge && <span className={`tabs__badge tabs__badge--${t.badge.tone}`}> {t.badge.text}</span>}
              </button>
            );
          })}
        </div>
        {extra}
      </div>
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tabpanel"
          id={`${prefix}-panel-${t.id}`}
          aria-labelledby={tabDomId(prefix, t.id)}
          hidden={t.id !== current}
          tabIndex={0}
          className="tabs__panel"
        >
          {t.content}
        </div>
      ))}
    </div>
  );
}
