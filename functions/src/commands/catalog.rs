//! Operator data: regions (with their policy) and kindergartens with their groups. Loading
//! is repeatable: descriptions are overwritten, place counters are never reset.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use kezek_rules::application::Region;
use kezek_rules::places::{GroupId, PoolKey};
use kezek_rules::policy::PolicyHistory;
use kezek_rules::time::RegionClock;

use crate::error::{Error, Result};
use crate::store::items::{
    GroupInfo, GroupItem, Keys, Kindergarten, KindergartenItem, Location, PoolItem, RegionItem,
};
use crate::store::transact::to_item;
use crate::store::{keys, Store};

impl Store {
    /// Writes every attribute of `item` except the key, keeping `counters` if they exist.
    async fn upsert_keeping(
        &self,
        mut item: HashMap<String, AttributeValue>,
        counters: &[&str],
    ) -> Result<()> {
        let pk = item.remove(keys::PK).ok_or_else(|| Error::internal("item without PK"))?;
        let sk = item.remove(keys::SK).ok_or_else(|| Error::internal("item without SK"))?;
        let mut sets = Vec::new();
        let mut request = self
            .client()
            .update_item()
            .table_name(self.table())
            .key(keys::PK, pk)
            .key(keys::SK, sk);
        for (index, (name, value)) in item.into_iter().enumerate() {
            let placeholder = format!(":v{index}");
            if counters.contains(&name.as_str()) {
                sets.push(format!("#a{index} = if_not_exists(#a{index}, {placeholder})"));
            } else {
                sets.push(format!("#a{index} = {placeholder}"));
            }
            request = request
                .expression_attribute_names(format!("#a{index}"), name)
                .expression_attribute_values(placeholder, value);
        }
        request
            .update_expression(format!("SET {}", sets.join(", ")))
            .send()
            .await
            .map_err(|e| crate::store::failure("upsert", &e))?;
        Ok(())
    }

    pub async fn load_region(&self, region: Region, policy: PolicyHistory) -> Result<()> {
        region.clock.validate()?;
        self.put_description(&RegionItem::new(region, policy), "region").await
    }

    /// The kindergarten, and for each group its pool (created empty) and its places item
    /// (free places kept when it exists).
    pub async fn load_kindergarten(&self, kindergarten: Kindergarten) -> Result<()> {
        for group in &kindergarten.groups {
            if group.language != "kk" && group.language != "ru" {
                return Err(Error::invalid(format!(
                    "group {} has language {}, expected kk or ru",
                    group.group_id.0, group.language
                )));
            }
            let pool_key =
                PoolKey { region_id: kindergarten.region_id.clone(), group_year: group.group_year };
            let pool = PoolItem {
                keys: Keys::listed(
                    keys::pool(&pool_key),
                    keys::POOLS_LIST,
                    keys::pools_list_sk(&pool_key),
                ),
                region_id: pool_key.region_id.clone(),
                group_year: pool_key.group_year,
                unreserved: 0,
                offered: 0,
                free_choice: 0,
                version: 0,
                log_size: 0,
            };
            self.upsert_keeping(
                to_item(&pool)?,
                &["unreserved", "offered", "freeChoice", "version", "logSize"],
            )
            .await?;
            let places = GroupItem {
                keys: Keys::base(keys::group(&pool_key, &group.group_id)),
                group: group.clone(),
                kindergarten_id: kindergarten.id.clone(),
                kindergarten_name_kk: kindergarten.name_kk.clone(),
                kindergarten_name_ru: kindergarten.name_ru.clone(),
                address: kindergarten.address.clone(),
                location: kindergarten.location.clone(),
                free: 0,
            };
            self.upsert_keeping(to_item(&places)?, &["free"]).await?;
        }
        self.put_description(&KindergartenItem::new(kindergarten), "kindergarten").await
    }

    pub async fn regions(&self) -> Result<Vec<RegionItem>> {
        self.list(keys::REGIONS_LIST).await
    }

    pub async fn kindergartens(&self, region_id: &str) -> Result<Vec<KindergartenItem>> {
        self.list(&keys::kindergartens_of_region(region_id)).await
    }
}

/// Demo data: served regions, the three cities served by their own systems (R1), and
/// kindergartens with Kazakh and Russian groups for three group years.
pub fn demo_regions() -> Vec<Region> {
    let region = |id: &str, kk: &str, ru: &str, served: bool, clock: RegionClock| Region {
        id: id.to_owned(),
        name_kk: kk.to_owned(),
        name_ru: ru.to_owned(),
        served,
        clock,
    };
    vec![
        region(
            "kz-zhetisu-taldykorgan",
            "Талдықорған қаласы",
            "город Талдыкорган",
            true,
            RegionClock::default(),
        ),
        region(
            "kz-kostanay-city",
            "Қостанай қаласы",
            "город Костанай",
            true,
            RegionClock::default(),
        ),
        region(
            "kz-east-oskemen",
            "Өскемен қаласы",
            "город Усть-Каменогорск",
            true,
            RegionClock::kazakhstan_east(),
        ),
        region("kz-astana", "Астана қаласы", "город Астана", false, RegionClock::kazakhstan_east()),
        region("kz-almaty", "Алматы қаласы", "город Алматы", false, RegionClock::kazakhstan_east()),
        region("kz-aktobe", "Ақтөбе қаласы", "город Актобе", false, RegionClock::default()),
    ]
}

pub fn demo_kindergartens() -> Vec<Kindergarten> {
    let kindergarten =
        |id: &str, region: &str, kk: &str, ru: &str, address: &str, lat: f64, lon: f64| {
            Kindergarten {
                id: id.to_owned(),
                region_id: region.to_owned(),
                name_kk: kk.to_owned(),
                name_ru: ru.to_owned(),
                address: address.to_owned(),
                location: Location { lat, lon },
                groups: [2022, 2023, 2024]
                    .into_iter()
                    .flat_map(|year| {
                        [("kk", "Балапан"), ("ru", "Солнышко")].map(|(language, name)| GroupInfo {
                            group_id: GroupId(format!("{id}-{year}-{language}")),
                            name: format!("{name} {year}"),
                            group_year: year,
                            language: language.to_owned(),
                        })
                    })
                    .collect(),
            }
        };
    vec![
        kindergarten(
            "tk-001",
            "kz-zhetisu-taldykorgan",
            "№1 «Ақбота» балабақшасы",
            "Детский сад №1 «Акбота»",
            "Талдыкорган, ул. Тауелсиздик, 58",
            45.0156,
            78.3739,
        ),
        kindergarten(
            "tk-002",
            "kz-zhetisu-taldykorgan",
            "№7 «Күншуақ» балабақшасы",
            "Детский сад №7 «Куншуак»",
            "Талдыкорган, мкр. Жетысу, 12",
            45.0271,
            78.3880,
        ),
        kindergarten(
            "ks-001",
            "kz-kostanay-city",
            "№3 «Айгөлек» балабақшасы",
            "Детский сад №3 «Айгөлек»",
            "Костанай, пр. Аль-Фараби, 95",
            53.2144,
            63.6246,
        ),
    ]
}

/// Loads the demo regions (seed policy) and kindergartens.
pub async fn load_demo(store: &Store) -> Result<()> {
    for region in demo_regions() {
        store.load_region(region, PolicyHistory::seed_defaults()).await?;
    }
    for kindergarten in demo_kindergartens() {
        store.load_kindergarten(kindergarten).await?;
    }
    Ok(())
}
