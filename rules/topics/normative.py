"""规范性文件 (23–30): the word, and the years the county's are counted from."""

NORMATIVE = "规范性文件"
FIRST_NORMATIVE_YEAR = 2019
# the signing-date fields extraction reads into Document.fields (crawler.extract.SIGNED_FIELDS)
SIGNED_DATE_FIELDS = ("成文日期", "成文时间", "发文日期")
