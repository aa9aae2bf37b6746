//! The sums of analyses: the authority's overview of a municipality (every association's
//! indicators side by side with the municipal totals, seed 002 §3.4) and the region's roll-up
//! (every municipality's totals side by side with the region's, 004 §2.3). No IO: the web reads
//! each association's analysis (as submitted, or live) and its report, and renders the sums.

use super::Analysis;

/// The rows that add up across associations: every row of the form but row 2's per-meeting rows
/// (2.1 … 2.N are a different meeting in each association).
pub fn adds_up(code: &str) -> bool {
    !code.starts_with("2.")
}

/// The rows of a summary, `(code, label)` in the form's order ([`adds_up`] only).
pub fn summed_rows(an: &Analysis) -> Vec<(String, String)> {
    an.indicators.iter().filter(|i| adds_up(&i.code)).map(|i| (i.code.clone(), i.label.clone())).collect()
}

/// An analysis's values of the rows that add up, `(code, value)` in the form's order.
pub fn summed_values(an: &Analysis) -> Vec<(String, u32)> {
    an.indicators.iter().filter(|i| adds_up(&i.code)).map(|i| (i.code.clone(), i.value)).collect()
}

/// The value of `code` among `(code, value)` pairs; 0 when the row is not there.
pub fn value_of(values: &[(String, u32)], code: &str) -> u32 {
    values.iter().find(|(c, _)| c == code).map_or(0, |(_, v)| *v)
}

/// The total of row `code` of a summary (its `rows` and their `totals`); 0 when there is no such row.
pub fn total_of(rows: &[(String, String)], totals: &[u32], code: &str) -> u32 {
    rows.iter().position(|(c, _)| c == code).and_then(|i| totals.get(i).copied()).unwrap_or(0)
}

/// Members present at the year's meetings on average, in per cent of row 1 (at most 100); none
/// without members or meetings.
pub fn attendance(an: &Analysis) -> Option<u32> {
    let members = u64::from(an.get("1")?.value);
    let present: Vec<u64> = an.indicators.iter().filter(|i| !adds_up(&i.code)).map(|i| u64::from(i.value)).collect();
    if members == 0 || present.is_empty() {
        return None;
    }
    let per_cent = present.iter().sum::<u64>() * 100 / (members * present.len() as u64);
    Some(u32::try_from(per_cent.min(100)).unwrap_or(100))
}

/// The average of the values given (whole per cent, rounded down); none when none is given.
pub fn mean(values: &[Option<u32>]) -> Option<u32> {
    let given: Vec<u64> = values.iter().flatten().map(|v| u64::from(*v)).collect();
    if given.is_empty() {
        return None;
    }
    let avg = given.iter().sum::<u64>() / given.len() as u64;
    Some(u32::try_from(avg).unwrap_or(u32::MAX))
}

// ---------------------------------------------------------------------------------------------
// A municipality
// ---------------------------------------------------------------------------------------------

/// One association's column of a municipal summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// [`summed_values`] of its analysis.
    pub values: Vec<(String, u32)>,
    /// [`attendance`] of its analysis.
    pub attendance: Option<u32>,
}

/// The associations' analyses side by side, with the municipal totals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MunicipalSummary {
    /// The rows, from the first analysis ([`summed_rows`]); none without analyses.
    pub rows: Vec<(String, String)>,
    /// One per analysis, in the order given.
    pub columns: Vec<Column>,
    /// Per row, the sum over the columns.
    pub totals: Vec<u32>,
}

/// The summary of a municipality's analyses (one per association, in the order of its columns).
pub fn municipal(analyses: &[&Analysis]) -> MunicipalSummary {
    let rows = analyses.first().map(|an| summed_rows(an)).unwrap_or_default();
    let columns: Vec<Column> =
        analyses.iter().map(|an| Column { values: summed_values(an), attendance: attendance(an) }).collect();
    let totals = rows.iter().map(|(code, _)| columns.iter().map(|c| value_of(&c.values, code)).sum()).collect();
    MunicipalSummary { rows, columns, totals }
}

// ---------------------------------------------------------------------------------------------
// A region
// ---------------------------------------------------------------------------------------------

/// One association's report as the region counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportState {
    /// Submitted at least once (submitted, returned or accepted).
    pub submitted: bool,
    /// Its last submission came after the deadline.
    pub late: bool,
    /// [`attendance`] of its analysis.
    pub attendance: Option<u32>,
}

/// A municipality's summary as the region's roll-up reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MunicipalTotals {
    /// The rows of its summary ([`MunicipalSummary::rows`]).
    pub rows: Vec<(String, String)>,
    /// Per row, its total ([`MunicipalSummary::totals`]).
    pub totals: Vec<u32>,
    /// One per association of its summary.
    pub reports: Vec<ReportState>,
}

/// A municipality's reports: its associations, the reports submitted (or accepted), the late ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportTally {
    pub associations: usize,
    pub submitted: usize,
    pub late: usize,
}

/// The municipalities' totals side by side, with the region's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegionSummary {
    /// The rows, from the first municipality that has any.
    pub rows: Vec<(String, String)>,
    /// Per row, per municipality (0 where a municipality has no such row).
    pub values: Vec<Vec<u32>>,
    /// Per row, the region's total.
    pub totals: Vec<u32>,
    /// Per municipality.
    pub reports: Vec<ReportTally>,
    /// Per municipality: the [`mean`] of its associations' attendance.
    pub attendance: Vec<Option<u32>>,
}

/// The roll-up of the municipalities' summaries (in the order of its columns).
pub fn regional(municipalities: &[MunicipalTotals]) -> RegionSummary {
    let rows = municipalities.iter().find(|m| !m.rows.is_empty()).map(|m| m.rows.clone()).unwrap_or_default();
    let values: Vec<Vec<u32>> = rows
        .iter()
        .map(|(code, _)| municipalities.iter().map(|m| total_of(&m.rows, &m.totals, code)).collect())
        .collect();
    let totals = values.iter().map(|v| v.iter().sum()).collect();
    let reports = municipalities
        .iter()
        .map(|m| ReportTally {
            associations: m.reports.len(),
            submitted: m.reports.iter().filter(|r| r.submitted).count(),
            late: m.reports.iter().filter(|r| r.late).count(),
        })
        .collect();
    let attendance =
        municipalities.iter().map(|m| mean(&m.reports.iter().map(|r| r.attendance).collect::<Vec<_>>())).collect();
    RegionSummary { rows, values, totals, reports, attendance }
}

// ---------------------------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------------------------

/// A bar chart's data: its title and `(label, count)` bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartData {
    pub title: &'static str,
    pub bars: Vec<(String, i64)>,
}

/// A name cut to 30 characters for a chart's label.
fn short(name: &str) -> String {
    if name.chars().count() > 30 { format!("{}…", name.chars().take(29).collect::<String>()) } else { name.into() }
}

/// The charts of a summary (its `rows` and their `totals`): the members' qualification
/// categories; the attendance of each column (an association or a municipality) that met, when
/// any did; students' winners and prize-winners by level (rows 8–17).
pub fn summary_charts(
    rows: &[(String, String)],
    totals: &[u32],
    attendance: &[(String, Option<u32>)],
) -> Vec<ChartData> {
    let v = |code: &str| i64::from(total_of(rows, totals, code));
    let sum = |codes: &[&str]| codes.iter().map(|c| v(c)).sum::<i64>();
    let categories = vec![
        ("высшая".to_string(), v("1.3")),
        ("первая".to_string(), v("1.4")),
        ("соответствие должности".to_string(), v("1.5")),
        ("без категории".to_string(), (v("1") - sum(&["1.3", "1.4", "1.5"])).max(0)),
    ];
    let levels = vec![
        ("всероссийский".to_string(), sum(&["11.1", "12.1"])),
        ("региональный".to_string(), sum(&["9.1", "10.1", "14.1", "15.1"])),
        ("муниципальный".to_string(), sum(&["8.1", "16.1", "17.1"])),
    ];
    let attendance: Vec<(String, i64)> =
        attendance.iter().filter_map(|(name, a)| a.map(|a| (short(name), i64::from(a)))).collect();
    let mut charts = vec![ChartData {
        title: "Квалификационные категории педагогов", bars: categories
    }];
    if !attendance.is_empty() {
        charts.push(ChartData {
            title: "Посещаемость заседаний, % членов (в среднем за год)", bars: attendance
        });
    }
    charts
        .push(ChartData {
            title: "Победители и призёры из числа обучающихся по уровням (строки 8–17)", bars: levels
        });
    charts
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::analysis::{Facts, Meeting, Member, compute};
    use crate::teachers::{AcademicYear, Category, Education};

    const ON: time::Date = date!(2026 - 05 - 30);

    /// An analysis of `members` teachers (the first `highest` of the highest category) and meetings
    /// with these participants.
    fn analysis(members: i64, highest: i64, present: &[u32]) -> Analysis {
        let facts = Facts {
            members: (1..=members)
                .map(|t| Member {
                    teacher_id: t,
                    organization_id: 1,
                    joined: date!(2020 - 09 - 01),
                    left: None,
                    education: Education::Higher,
                    category: if t <= highest { Category::Highest } else { Category::None },
                })
                .collect(),
            meetings: present
                .iter()
                .zip(1..)
                .map(|(p, id)| Meeting { id, number: None, held_on: date!(2025 - 10 - 01), present: *p })
                .collect(),
            ..Facts::default()
        };
        compute(AcademicYear(2025), ON, &facts)
    }

    fn row(s: &[(String, String)], code: &str) -> usize {
        s.iter().position(|(c, _)| c == code).unwrap_or(usize::MAX)
    }

    #[test]
    fn the_rows_that_add_up_leave_out_the_per_meeting_rows() {
        let an = analysis(3, 1, &[2, 3]);
        let rows = summed_rows(&an);
        assert!(rows.iter().all(|(c, _)| !c.starts_with("2.")), "{rows:?}");
        assert_eq!(rows.len(), an.indicators.len() - 2);
        assert_eq!(rows[row(&rows, "2")].1, "посещаемость заседаний ММО (проведено заседаний за учебный год)");
        let values = summed_values(&an);
        assert_eq!((value_of(&values, "1"), value_of(&values, "1.3"), value_of(&values, "2")), (3, 1, 2));
        assert_eq!(value_of(&values, "2.1"), 0, "not summed");
        assert!(adds_up("2") && adds_up("12.1") && !adds_up("2.10"));
    }

    #[test]
    fn attendance_is_the_average_share_of_members_present_at_most_100() {
        assert_eq!(attendance(&analysis(4, 0, &[4, 2])), Some(75));
        assert_eq!(attendance(&analysis(3, 0, &[1, 1, 0])), Some(22), "rounded down");
        assert_eq!(attendance(&analysis(2, 0, &[5])), Some(100), "guests do not take it over 100");
        assert_eq!(attendance(&analysis(2, 0, &[])), None, "no meetings");
        assert_eq!(attendance(&analysis(0, 0, &[3])), None, "no members");
        assert_eq!(mean(&[Some(75), None, Some(50)]), Some(62));
        assert_eq!(mean(&[None, None]), None);
    }

    #[test]
    fn a_municipal_summary_adds_the_associations_up_row_by_row() {
        let (a, b) = (analysis(4, 1, &[4, 2]), analysis(3, 2, &[3]));
        let s = municipal(&[&a, &b]);
        assert_eq!(s.rows, summed_rows(&a));
        assert_eq!(s.columns.len(), 2);
        assert_eq!((s.columns[0].attendance, s.columns[1].attendance), (Some(75), Some(100)));
        assert_eq!(s.totals.len(), s.rows.len());
        let total = |code| s.totals[row(&s.rows, code)];
        assert_eq!((total("1"), total("1.3"), total("2")), (7, 3, 3));
        assert_eq!(total_of(&s.rows, &s.totals, "1.1"), 7);
        assert_eq!(total_of(&s.rows, &s.totals, "2.1"), 0, "no such row");
        assert_eq!(municipal(&[]), MunicipalSummary::default());
    }

    #[test]
    fn a_region_adds_the_municipalities_totals_up_and_counts_their_reports() {
        let rows = |codes: &[&str]| codes.iter().map(|c| ((*c).to_owned(), format!("строка {c}"))).collect();
        let state = |submitted, late, attendance| ReportState { submitted, late, attendance };
        let municipalities = [
            MunicipalTotals { rows: vec![], totals: vec![], reports: vec![] },
            MunicipalTotals {
                rows: rows(&["1", "1.3", "3"]),
                totals: vec![10, 4, 2],
                reports: vec![state(true, true, Some(80)), state(true, false, None), state(false, false, Some(60))],
            },
            MunicipalTotals { rows: rows(&["1", "3"]), totals: vec![5, 1], reports: vec![state(false, false, None)] },
        ];
        let r = regional(&municipalities);
        assert_eq!(r.rows, municipalities[1].rows, "from the first municipality that has rows");
        assert_eq!(r.values, [vec![0, 10, 5], vec![0, 4, 0], vec![0, 2, 1]]);
        assert_eq!(r.totals, [15, 4, 3]);
        assert_eq!(
            r.reports,
            [
                ReportTally::default(),
                ReportTally { associations: 3, submitted: 2, late: 1 },
                ReportTally { associations: 1, submitted: 0, late: 0 },
            ]
        );
        assert_eq!(r.attendance, [None, Some(70), None]);
    }

    #[test]
    fn the_charts_show_categories_attendance_and_students_by_level() {
        let rows: Vec<(String, String)> = ["1", "1.3", "1.4", "1.5", "8.1", "9.1", "11.1", "12.1", "14.1", "16.1"]
            .iter()
            .map(|c| ((*c).to_owned(), String::new()))
            .collect();
        let totals = [20, 5, 6, 3, 1, 2, 3, 4, 5, 6];
        let long = "Муниципальное методическое объединение учителей физики";
        let charts = summary_charts(&rows, &totals, &[(long.into(), Some(80)), ("Химия".into(), None)]);
        let bars = |i: usize| charts[i].bars.clone();
        let pairs = |p: &[(&str, i64)]| p.iter().map(|(l, v)| ((*l).to_owned(), *v)).collect::<Vec<_>>();
        assert_eq!(charts.len(), 3);
        assert_eq!(
            bars(0),
            pairs(&[("высшая", 5), ("первая", 6), ("соответствие должности", 3), ("без категории", 6)])
        );
        assert_eq!(bars(1), pairs(&[("Муниципальное методическое об…", 80)]), "cut to 30 characters");
        assert_eq!(bars(2), pairs(&[("всероссийский", 7), ("региональный", 7), ("муниципальный", 7)]));
        let none_met = summary_charts(&rows, &totals, &[("Химия".into(), None)]);
        assert_eq!(none_met.len(), 2, "no attendance chart when no column met");
        assert_eq!(summary_charts(&[], &[], &[])[0].bars[3], ("без категории".to_owned(), 0));
    }
}
