// Applies a caller's section options to items, for connectors whose store cannot filter itself.
import type { SectionItems } from './clinical-record.js';
import type { Section, SectionOptions } from './sections.js';

function inRange(date: string | null, options: SectionOptions): boolean {
  if (!options.from && !options.to) return true;
  if (!date) return false;
  const day = date.slice(0, 10);
  return (!options.from || day >= options.from) && (!options.to || day <= options.to);
}

/** Whether a caller's options keep this item of this section. */
function keeps(section: Section, item: SectionItems[Section], options: SectionOptions): boolean {
  switch (section) {
    case 'ALLERGIES': {
      const a = item as SectionItems['ALLERGIES'];
      return options.includeResolved === true || a.clinicalStatus === 'ACTIVE';
    }
    case 'MEDICATIONS': {
      const m = item as SectionItems['MEDICATIONS'];
      // A medication overlaps the period if it started before its end and ended after its start.
      if (options.to && m.startDate && m.startDate > options.to) return false;
      if (options.from && m.endDate && m.endDate < options.from) return false;
      return true;
    }
    case 'PROBLEMS': {
      const p = item as SectionItems['PROBLEMS'];
      return (!options.problemStatus || p.status === options.problemStatus) && (!options.problemSignificance || p.significance === options.problemSignificance);
    }
    case 'IMMUNISATIONS':
      return options.includeNotGiven !== false || (item as SectionItems['IMMUNISATIONS']).given;
    case 'CONSULTATIONS':
    case 'INVESTIGATIONS':
    case 'REFERRALS':
    case 'UNCATEGORISED':
      return inRange((item as { date: string | null }).date, options);
    case 'DIARY_ENTRIES': {
      const planned = (item as SectionItems['DIARY_ENTRIES']).plannedDate;
      return !options.diaryBefore || (planned !== null && planned.slice(0, 10) <= options.diaryBefore);
    }
  }
  return true;
}

// Runs for every section of every patient read: the filter makes no named closure per call.
export function applySectionOptions<S extends Section>(section: S, items: SectionItems[S][], options: SectionOptions): SectionItems[S][] {
  let kept = items.filter((item) => keeps(section, item, options));
  if (section === 'CONSULTATIONS' && options.mostRecent !== undefined) {
    const newestFirst = [...(kept as SectionItems['CONSULTATIONS'][])].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
    kept = newestFirst.slice(0, options.mostRecent) as SectionItems[S][];
  }
  if (section === 'MEDICATIONS' && options.includeIssues === false) {
    return (kept as SectionItems['MEDICATIONS'][]).map((m) => ({ ...m, issues: [] })) as unknown as SectionItems[S][];
  }
  return kept;
}
