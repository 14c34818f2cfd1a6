from web.names import normalise_name


def test_names_match_ignoring_case_accents_spaces_and_hyphens() -> None:
    assert normalise_name("  Lefèvre-Moreau ") == normalise_name("LEFEVRE   moreau")
    assert normalise_name("Chloé") == normalise_name("chloe")
    assert normalise_name("Jean - Pierre") == normalise_name("jean-pierre")
    assert normalise_name("Œdipe") == normalise_name("oedipe")
    assert normalise_name("D'Artagnan") == normalise_name("d artagnan")


def test_different_names_stay_different() -> None:
    assert normalise_name("Martin") != normalise_name("Martine")
    assert normalise_name("Léa") != normalise_name("Léo")
