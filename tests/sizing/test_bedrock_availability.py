"""A Bedrock model/Region/profile the availability table marks not offered is an input error naming the field;
a default profile that is not offered is replaced by an offered one, with a warning."""
import pytest

from sizing import bedrock_regions as BR
from sizing.capacity import size
from sizing.conversation import inference_profile
from sizing.scenario import InferenceProfile, ScenarioError, parse_scenario

HAIKU = "anthropic.claude-haiku-4-5"


def field_and_message(data):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data)
    return err.value.errors[0]


def test_every_catalog_model_has_a_cell_for_every_region_and_profile():
    from sizing.llm import BEDROCK_MODELS
    from sizing.scenario import REGIONS
    for m in BEDROCK_MODELS:
        for r in REGIONS:
            for p in BR.PROFILES:
                assert BR.cell(m, r, p).status in (BR.OFFERED, BR.NOT_OFFERED, BR.UNSOURCED)
                assert BR.cell(m, r, p).source


def test_a_model_not_offered_in_the_region_names_region_and_the_regions_that_offer_it():
    field, msg = field_and_message({"llm_model": "anthropic.claude-3-5-haiku", "region": "eu-west-1"})
    assert field == "region"
    assert "allowed for this model: us-east-1, us-west-2, ap-southeast-1" in msg


def test_an_end_of_life_model_names_llm_model_or_llm_models():
    field, msg = field_and_message({"llm_model": "anthropic.claude-3-haiku"})
    assert field == "llm_model" and "end of life" in msg
    field, _ = field_and_message({"llm_models": f"{HAIKU}:60,anthropic.claude-3-5-sonnet:40"})
    assert field == "llm_models"


def test_an_explicit_profile_not_offered_names_inference_profile_and_the_offered_ones():
    with pytest.raises(BR.NotOffered) as err:
        BR.check_offered("anthropic.claude-3-5-haiku", "us-east-1", "global", "llm_model")
    assert err.value.field == "inference_profile" and "allowed there: geo, in-region" in str(err.value)


def test_a_default_profile_not_offered_is_replaced_and_said(monkeypatch):
    """GDPR asks for geo; with geo marked not offered in eu-west-1 the default becomes in-Region (the nearest
    remaining profile), the plan says so, and only an explicit geo is an error."""
    monkeypatch.setitem(BR.AVAILABILITY[HAIKU][BR.GEO], "eu-west-1", BR.Cell(BR.NOT_OFFERED, "test row"))
    s = parse_scenario({"llm_model": HAIKU, "region": "eu-west-1", "compliance": "gdpr"})
    profile, why = inference_profile(s)
    assert profile is InferenceProfile.in_region and "geo is not offered" in why
    assert any(w.startswith(f"inference_profile defaults to in-region for {HAIKU}") for w in size(s).warnings)
    field, msg = field_and_message({"llm_model": HAIKU, "region": "eu-west-1", "compliance": "gdpr",
                                    "inference_profile": "geo"})
    assert field == "inference_profile" and "allowed there: global, in-region" in msg


def test_an_unsourced_cell_is_allowed_and_warned():
    s = parse_scenario({"llm_model": "amazon.nova-micro"})            # in-Region: UNSOURCED in the table
    assert any("amazon.nova-micro with the in-region profile from us-east-1 is not confirmed" in w
               for w in size(s).warnings)
    s = parse_scenario({})                                              # Haiku 4.5 global from us-east-1: offered
    assert not any("not confirmed" in w for w in size(s).warnings)
