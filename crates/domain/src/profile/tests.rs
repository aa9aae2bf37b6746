use super::*;

/// The pairs a browser would submit for the form rendered from `fields`.
fn pairs_from_fields(fields: &[FormField]) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for f in fields {
        let key = f.key.to_owned();
        match &f.kind {
            FieldKind::Text { value }
            | FieldKind::MonthDays { value }
            | FieldKind::Deadlines { value }
            | FieldKind::Lines { value } => {
                pairs.push((key.clone(), value.clone()));
            }
            FieldKind::Number { value, .. } => {
                pairs.push((key.clone(), value.map(|n| n.to_string()).unwrap_or_default()));
            }
            FieldKind::Select { selected, .. } => pairs.push((key.clone(), (*selected).to_owned())),
            FieldKind::Multi { options, selected } => {
                // A browser sends checked boxes in document order.
                for (code, _) in options {
                    if selected.contains(code) {
                        pairs.push((key.clone(), (*code).to_owned()));
                    }
                }
            }
            FieldKind::Bool { value } => {
                if *value {
                    pairs.push((key.clone(), "on".to_owned()));
                }
            }
        }
        pairs.push((f.clause_key(), f.clause.clone().unwrap_or_default()));
    }
    pairs
}

fn pairs_of(settings: &ProfileSettings) -> Vec<(String, String)> {
    pairs_from_fields(&settings.form_fields())
}

/// `pairs` with the value of `key` replaced (or added).
fn with(mut pairs: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    pairs.retain(|(k, _)| k != key);
    pairs.push((key.to_owned(), value.to_owned()));
    pairs
}

fn seed(code: &str) -> ProfileSettings {
    preset(code).expect("preset exists").settings
}

fn errors_of(pairs: &[(String, String)]) -> Vec<FieldError> {
    match from_form(pairs) {
        Ok(s) => panic!("expected errors, got {s:?}"),
        Err(e) => e,
    }
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

fn assert_codes_match_serde<T: Choice + Serialize + for<'de> Deserialize<'de> + fmt::Debug>() {
    let mut codes = HashSet::new();
    for v in T::ALL {
        let json = serde_json::to_string(v).expect("serialises");
        assert_eq!(json, format!("\"{}\"", v.code()), "{v:?}");
        let back: T = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, *v);
        assert_eq!(T::from_code(v.code()), Some(*v));
        assert!(!v.label_ru().is_empty());
        assert!(codes.insert(v.code()), "duplicate code {}", v.code());
    }
}

#[test]
fn enum_codes_are_the_serde_names() {
    assert_codes_match_serde::<PlanPeriod>();
    assert_codes_match_serde::<ApprovalStep>();
    assert_codes_match_serde::<Signatory>();
    assert_codes_match_serde::<QuorumRule>();
    assert_codes_match_serde::<MajorityRule>();
    assert_codes_match_serde::<Officer>();
    assert_codes_match_serde::<CompositionRule>();
    assert_codes_match_serde::<AnalysisRecipient>();
    assert_codes_match_serde::<RequiredDocument>();
    assert_codes_match_serde::<SubgroupKind>();
    assert_eq!(ApprovalStep::ALL.len(), 7);
    assert_eq!(RequiredDocument::ALL.len(), 11);
    assert_eq!(
        ApprovalStep::ApprovedByAuthorityOrder.label_ru(),
        "утверждается приказом руководителя органа управления образованием"
    );
    assert_eq!(QuorumRule::MoreThanHalfOfMembers.code(), "more_than_half_of_members");
}

#[test]
fn five_presets_in_order_and_every_one_validates() {
    let all = presets();
    let codes: Vec<_> = all.iter().map(|p| p.code).collect();
    assert_eq!(codes, ["seed-000", "seed-001", "seed-002", "seed-003", "seed-004"]);
    for p in &all {
        assert_eq!(p.settings.validate(), Ok(()), "{}", p.code);
        assert!(
            p.name_ru.starts_with("Положение") && !p.name_ru.contains("seed"),
            "a regulation's title: {}",
            p.name_ru
        );
        assert!(!p.source_ru.is_empty());
    }
    let mut names: Vec<&str> = all.iter().map(|p| p.name_ru.as_str()).collect();
    names.dedup();
    assert_eq!(names.len(), 5, "each preset has its own title");
    assert!(preset("seed-999").is_none());
}

#[test]
fn every_clause_names_its_seed() {
    for p in presets() {
        let number = &p.code[5..];
        for (key, clause) in p.settings.clauses() {
            if let Some(c) = clause {
                assert!(c.starts_with(number), "{} {key}: {c}", p.code);
            }
        }
    }
}

#[test]
fn seed_spot_checks() {
    let s000 = seed("seed-000");
    assert_eq!(s000.min_members, Setting::cited(Some(10), "000 §1.2"));
    assert_eq!(s000.min_meetings_per_year.value, Some(4));
    assert_eq!(
        s000.plan_approval.value,
        [ApprovalStep::DraftedByHead, ApprovalStep::ConsideredAtMeeting, ApprovalStep::ApprovedByAuthorityOrder]
    );
    assert_eq!(s000.minutes_signatories.value, [Signatory::Head]);
    assert_eq!(s000.quorum, Setting::silent(QuorumRule::None));

    let s001 = seed("seed-001");
    assert_eq!(s001.plan_period.value, PlanPeriod::CalendarYear);
    let clause = s001.plan_period.clause.as_deref().unwrap_or("");
    assert!(clause.contains("§5.1") && clause.contains("§6.1"), "{clause}");
    assert_eq!(s001.officers.value, [Officer::Head, Officer::Curator]);
    assert_eq!(s001.min_meetings_per_year, Setting::silent(None));
    assert_eq!(s001.subgroups.value, [SubgroupKind::CreativeGroup]);
    assert!(s001.minutes_signatories.value.is_empty());

    let s002 = seed("seed-002");
    assert_eq!(
        s002.analysis_deadlines.value,
        [AnalysisDeadline {
            recipient: AnalysisRecipient::Authority,
            period: PlanPeriod::AcademicYear,
            due: MonthDay { month: 5, day: 30 },
            form: Some("приложение 1 к Положению".to_owned()),
        }]
    );
    assert_eq!(s002.analysis_on_request, Setting::cited(true, "002 §3.4"));
    assert_eq!(s002.min_meetings_per_year.value, Some(4));

    let s003 = seed("seed-003");
    assert_eq!(s003.min_meetings_per_year, Setting::cited(Some(3), "003 §3.3"));
    assert_eq!(s003.plan_approval.value, [ApprovalStep::AgreedWithCabinetHead]);
    assert_eq!(s003.composition.value, CompositionRule::ChangesWithStaff);

    let s004 = seed("seed-004");
    assert_eq!(s004.body_name.value, "МУМО");
    assert_eq!(s004.minutes_signatories.value, [Signatory::Chair, Signatory::Secretary]);
    assert_eq!(s004.quorum, Setting::cited(QuorumRule::MoreThanHalfOfMembers, "004 §4.4"));
    assert_eq!(s004.majority.value, MajorityRule::SimpleMajorityOfPresent);
    assert_eq!(s004.officers.value, [Officer::Head, Officer::Deputy, Officer::Secretary]);
    assert_eq!(s004.composition.value, CompositionRule::ApprovedYearlyByOrder);
    assert_eq!(s004.analysis_snapshots.value, [MonthDay { month: 1, day: 1 }, MonthDay { month: 7, day: 1 }]);
    assert_eq!(s004.analysis_deadlines.value.len(), 2);
    assert!(s004.analysis_deadlines.value.iter().any(|d| d.recipient == AnalysisRecipient::RegionalAssociation
        && d.period == PlanPeriod::CalendarYear
        && d.due == MonthDay { month: 3, day: 1 }));
    assert!(s004.invited_participants.value);
    assert_eq!(s004.min_meetings_per_year.value, Some(2));
}

#[test]
fn form_round_trip_reproduces_every_preset() {
    for p in presets() {
        let pairs = pairs_of(&p.settings);
        assert_eq!(from_form(&pairs), Ok(p.settings.clone()), "{}", p.code);
        assert_eq!(ProfileSettings::from_form(&pairs), Ok(p.settings), "{}", p.code);
    }
}

#[test]
fn json_round_trip() {
    for p in presets() {
        let json = serde_json::to_string(&p.settings).expect("serialises");
        let back: ProfileSettings = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, p.settings, "{}", p.code);
    }
    let json = serde_json::to_value(seed("seed-004")).expect("serialises");
    assert_eq!(json["quorum"]["value"], "more_than_half_of_members");
    assert_eq!(json["quorum"]["clause"], "004 §4.4");
    assert_eq!(json["minutes_signatories"]["value"][0], "chair");
    assert_eq!(json["analysis_snapshots"]["value"][1]["month"], 7);
}

#[test]
fn form_fields_follow_struct_order() {
    let s = seed("seed-000");
    let fields = s.form_fields();
    let keys: Vec<_> = fields.iter().map(|f| f.key).collect();
    let expected: Vec<_> = FIELDS.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, expected);
    let rows: Vec<_> = s.describe_ru().iter().map(|r| r.key).collect();
    assert_eq!(rows, expected);
    let Some(approval) = fields.iter().find(|f| f.key == keys::PLAN_APPROVAL) else {
        panic!("no plan_approval field");
    };
    match &approval.kind {
        FieldKind::Multi { options, selected } => {
            assert_eq!(options.len(), ApprovalStep::ALL.len());
            assert_eq!(selected, &["drafted_by_head", "considered_at_meeting", "approved_by_authority_order"]);
        }
        other => panic!("unexpected kind {other:?}"),
    }
    let s4 = seed("seed-004");
    let Some(d) = s4.form_fields().into_iter().find(|f| f.key == keys::ANALYSIS_DEADLINES) else {
        panic!("no deadlines field");
    };
    assert_eq!(
        d.kind,
        FieldKind::Deadlines {
            value: "authority;academic_year;01.07\nregional_association;calendar_year;01.03".to_owned()
        }
    );
    assert!(d.hint().is_some());
    let Some(m) = s4.form_fields().into_iter().find(|f| f.key == keys::ANALYSIS_SNAPSHOTS) else {
        panic!("no snapshots field");
    };
    assert_eq!(m.kind, FieldKind::MonthDays { value: "01.01, 01.07".to_owned() });
}

#[test]
fn describe_renders_russian_values() {
    let row = |s: &ProfileSettings, key: &str| {
        s.describe_ru().into_iter().find(|r| r.key == key).map(|r| r.value).unwrap_or_default()
    };
    let s000 = seed("seed-000");
    assert_eq!(row(&s000, keys::MIN_MEMBERS), "10");
    assert_eq!(row(&s000, keys::MIN_MEETINGS_PER_YEAR), "4");
    assert_eq!(row(&s000, keys::ANALYSIS_DEADLINES), "не установлены");
    let s001 = seed("seed-001");
    assert_eq!(row(&s001, keys::MIN_MEMBERS), "не установлено");
    let s002 = seed("seed-002");
    assert_eq!(
        row(&s002, keys::ANALYSIS_DEADLINES),
        "в орган управления образованием до 30 мая (за учебный год, по форме: приложение 1 к Положению)"
    );
    let s004 = seed("seed-004");
    assert_eq!(row(&s004, keys::MINUTES_SIGNATORIES), "председатель и секретарь");
    assert_eq!(row(&s004, keys::ANALYSIS_SNAPSHOTS), "на 1 января и на 1 июля");
    assert_eq!(
        row(&s004, keys::ANALYSIS_DEADLINES),
        "в орган управления образованием до 1 июля (за учебный год); в РУМО до 1 марта (за календарный год)"
    );
    assert_eq!(row(&s004, keys::INVITED_PARTICIPANTS), "да");
    let rows = s004.describe_ru();
    assert_eq!(rows.len(), 17);
    assert_eq!(row(&s004, keys::EXTRA_NEED_KINDS), "не добавлены (используется общий перечень Методы)");
    assert_eq!(rows[0].label, "Наименование объединения");
    assert_eq!(rows[6].clause.as_deref(), Some("004 §4.4"));
}

#[test]
fn month_day_parsing_and_rendering() {
    assert_eq!(MonthDay::parse("30.05"), Ok(MonthDay { month: 5, day: 30 }));
    assert_eq!(MonthDay::parse(" 1.7 "), Ok(MonthDay { month: 7, day: 1 }));
    assert_eq!(MonthDay::parse("28.02"), Ok(MonthDay { month: 2, day: 28 }));
    for bad in
        ["31.02", "29.02", "00.01", "01.13", "31.04", "", "30-05", "123.05", "3.", ".5", "a.b", "+1.05", "30.05.2024"]
    {
        assert!(MonthDay::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(MonthDay::new(13, 1), None);
    assert_eq!(MonthDay::new(2, 29), None);
    let md = MonthDay { month: 5, day: 30 };
    assert_eq!(md.to_string(), "30.05");
    assert_eq!(md.label_ru(), "30 мая");
    assert_eq!(MonthDay { month: 1, day: 1 }.label_ru(), "1 января");
    assert_eq!(MonthDay { month: 0, day: 1 }.label_ru(), "1 ?");
    assert!(!MonthDay { month: 0, day: 1 }.is_valid());
}

#[test]
fn empty_body_name_is_rejected() {
    let pairs = with(pairs_of(&seed("seed-000")), keys::BODY_NAME, "   ");
    assert_eq!(fields(&errors_of(&pairs)), [keys::BODY_NAME]);
    let pairs = with(pairs_of(&seed("seed-000")), keys::BODY_NAME, "Методическое объединение учителей");
    assert_eq!(fields(&errors_of(&pairs)), [keys::BODY_NAME]);
}

#[test]
fn bad_numbers_are_rejected_once() {
    let base = pairs_of(&seed("seed-000"));
    for bad in ["abc", "0", "53", "-1", "4.5", "99999999999999999999"] {
        let errors = errors_of(&with(base.clone(), keys::MIN_MEETINGS_PER_YEAR, bad));
        assert_eq!(fields(&errors), [keys::MIN_MEETINGS_PER_YEAR], "{bad}");
        assert!(errors[0].message.contains("от 1 до 52"), "{}", errors[0].message);
    }
    let errors = errors_of(&with(base.clone(), keys::MIN_MEMBERS, "1001"));
    assert_eq!(fields(&errors), [keys::MIN_MEMBERS]);
    let ok = from_form(&with(base, keys::MIN_MEETINGS_PER_YEAR, " ")).expect("empty means not set");
    assert_eq!(ok.min_meetings_per_year.value, None);
}

#[test]
fn bad_dates_and_codes_are_rejected() {
    let base = pairs_of(&seed("seed-004"));
    let errors = errors_of(&with(base.clone(), keys::ANALYSIS_SNAPSHOTS, "01.01, 31.02"));
    assert_eq!(fields(&errors), [keys::ANALYSIS_SNAPSHOTS]);
    assert!(errors[0].message.contains("31.02"), "{}", errors[0].message);

    let errors = errors_of(&with(base.clone(), keys::ANALYSIS_DEADLINES, "authority;academic_year;31.02"));
    assert_eq!(fields(&errors), [keys::ANALYSIS_DEADLINES]);
    assert!(errors[0].message.contains("строка 1"), "{}", errors[0].message);

    for bad in ["nobody;academic_year;01.07", "authority;decade;01.07", "authority;academic_year", ";;;;", "x"] {
        let errors = errors_of(&with(base.clone(), keys::ANALYSIS_DEADLINES, bad));
        assert_eq!(fields(&errors), [keys::ANALYSIS_DEADLINES], "{bad}");
    }

    let errors = errors_of(&with(base.clone(), keys::QUORUM, "two_thirds"));
    assert_eq!(fields(&errors), [keys::QUORUM]);
    let errors = errors_of(&with(base.clone(), keys::PLAN_PERIOD, ""));
    assert_eq!(fields(&errors), [keys::PLAN_PERIOD]);

    let mut pairs = base.clone();
    pairs.push((keys::OFFICERS.to_owned(), "president".to_owned()));
    assert_eq!(fields(&errors_of(&pairs)), [keys::OFFICERS]);

    let errors = errors_of(&with(base, keys::INVITED_PARTICIPANTS, "maybe"));
    assert_eq!(fields(&errors), [keys::INVITED_PARTICIPANTS]);
}

#[test]
fn duplicates_are_rejected() {
    let base = pairs_of(&seed("seed-002"));
    let errors = errors_of(&with(
        base.clone(),
        keys::ANALYSIS_DEADLINES,
        "authority;academic_year;30.05;приложение 1\nauthority;academic_year;30.05",
    ));
    assert_eq!(fields(&errors), [keys::ANALYSIS_DEADLINES]);
    let errors = errors_of(&with(base.clone(), keys::ANALYSIS_SNAPSHOTS, "01.01, 1.1"));
    assert_eq!(fields(&errors), [keys::ANALYSIS_SNAPSHOTS]);

    // Repeated checkboxes fold into one.
    let mut pairs = base;
    pairs.push((keys::OFFICERS.to_owned(), "head".to_owned()));
    let s = from_form(&pairs).expect("valid");
    assert_eq!(s.officers.value, [Officer::Head]);

    let mut s = seed("seed-004");
    s.officers.value.push(Officer::Deputy);
    s.required_documents.value.push(RequiredDocument::Minutes);
    let errors = s.validate().expect_err("duplicates");
    assert_eq!(fields(&errors), [keys::OFFICERS, keys::REQUIRED_DOCUMENTS]);
}

#[test]
fn validate_catches_direct_edits() {
    let mut s = seed("seed-000");
    s.plan_approval.value.clear();
    s.min_members.value = Some(0);
    s.min_meetings_per_year.value = Some(53);
    s.analysis_snapshots.value.push(MonthDay { month: 2, day: 29 });
    s.analysis_deadlines.value.push(AnalysisDeadline {
        recipient: AnalysisRecipient::Authority,
        period: PlanPeriod::AcademicYear,
        due: MonthDay { month: 4, day: 31 },
        form: Some("строка\nвторая".to_owned()),
    });
    s.quorum.clause = Some("§".repeat(101));
    let errors = s.validate().expect_err("invalid");
    let f = fields(&errors);
    for key in [
        keys::MIN_MEMBERS,
        keys::MIN_MEETINGS_PER_YEAR,
        keys::PLAN_APPROVAL,
        keys::ANALYSIS_DEADLINES,
        keys::ANALYSIS_SNAPSHOTS,
        "quorum__clause",
    ] {
        assert!(f.contains(&key), "{key} missing in {f:?}");
    }
    assert!(errors.iter().all(|e| !e.message.is_empty()));
}

#[test]
fn clauses_are_read_and_emptied() {
    let base = pairs_of(&seed("seed-004"));
    let s = from_form(&with(base.clone(), "quorum__clause", "  ")).expect("valid");
    assert_eq!(s.quorum.clause, None);
    let s = from_form(&with(base.clone(), "quorum__clause", " п. 4.4 ")).expect("valid");
    assert_eq!(s.quorum.clause.as_deref(), Some("п. 4.4"));
    let errors = errors_of(&with(base, "quorum__clause", &"x".repeat(101)));
    assert_eq!(fields(&errors), ["quorum__clause"]);
}

#[test]
fn deadlines_accept_labels_and_forms_with_semicolons() {
    let base = pairs_of(&seed("seed-000"));
    let s = from_form(&with(
        base,
        keys::ANALYSIS_DEADLINES,
        "\r\nОрган управления образованием ; учебный год ; 1.6 ; форма; с точкой с запятой\r\n\r\n",
    ))
    .expect("valid");
    assert_eq!(
        s.analysis_deadlines.value,
        [AnalysisDeadline {
            recipient: AnalysisRecipient::Authority,
            period: PlanPeriod::AcademicYear,
            due: MonthDay { month: 6, day: 1 },
            form: Some("форма; с точкой с запятой".to_owned()),
        }]
    );
}

#[test]
fn an_empty_form_reports_every_required_field_and_never_panics() {
    let errors = errors_of(&[]);
    let f = fields(&errors);
    for key in
        [keys::BODY_NAME, keys::PLAN_PERIOD, keys::PLAN_APPROVAL, keys::QUORUM, keys::MAJORITY, keys::COMPOSITION]
    {
        assert!(f.contains(&key), "{key} missing in {f:?}");
    }

    let nasty =
        ["", " ", ";", "\n", "..", "٣.٥", "𝟘𝟙.𝟘𝟙", "\u{0}", "on", "99.99", "1;2;3;4;5", "ё".repeat(10_000).leak()];
    for key in FIELDS.iter().map(|(k, _)| *k) {
        for v in nasty {
            let pairs = with(pairs_of(&seed("seed-004")), key, v);
            let _ = from_form(&pairs);
            let pairs = with(pairs_of(&seed("seed-004")), &format!("{key}__clause"), v);
            let _ = from_form(&pairs);
        }
    }
}

#[test]
fn extra_need_kinds_extend_the_list_and_old_documents_still_load() {
    let mut s = seed("seed-004");
    s.extra_need_kinds.value = vec!["наставничество молодых педагогов".into(), "работа с билингвами".into()];
    assert!(s.validate().is_ok());
    s.extra_need_kinds.value.push("Работа с билингвами".into());
    let errs = s.validate().unwrap_err();
    assert_eq!(errs[0].field, keys::EXTRA_NEED_KINDS);
    // A settings document written before this setting existed still reads.
    let mut v = serde_json::to_value(seed("seed-002")).unwrap();
    v.as_object_mut().unwrap().remove(keys::EXTRA_NEED_KINDS);
    let back: ProfileSettings = serde_json::from_value(v).unwrap();
    assert!(back.extra_need_kinds.value.is_empty());
}
