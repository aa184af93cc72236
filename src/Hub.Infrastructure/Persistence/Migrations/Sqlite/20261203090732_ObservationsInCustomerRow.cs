using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ObservationsInCustomerRow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Observations",
                table: "customers",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            // Each customer's observation rows become one JSON array in its own row (see StoredObservations).
            migrationBuilder.Sql("""
                UPDATE customers SET "Observations" = (
                    SELECT json_group_array(json_object(
                        'field', o."Field", 'source', o."Source", 'value', o."Value", 'count', o."Count",
                        'lastObservedAt', strftime('%Y-%m-%dT%H:%M:%S', o."LastObservedAt" / 10000000 - 62135596800, 'unixepoch')
                            || printf('.%07d', o."LastObservedAt" % 10000000) || '+00:00'))
                    FROM field_observations AS o WHERE o."CustomerId" = customers."Id")
                WHERE EXISTS (SELECT 1 FROM field_observations AS o WHERE o."CustomerId" = customers."Id");
                """);

            migrationBuilder.DropTable(
                name: "field_observations");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "field_observations",
                columns: table => new
                {
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    LastObservedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_field_observations", x => new { x.CustomerId, x.Field, x.Source, x.Value });
                    table.ForeignKey(
                        name: "FK_field_observations_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("""
                INSERT INTO field_observations ("CustomerId", "Field", "Source", "Value", "Count", "LastObservedAt")
                SELECT "Id", field, source, value, count,
                    (CAST(strftime('%s', substr(at, 1, 19)) AS INTEGER) + 62135596800) * 10000000
                        + CAST(substr(substr(at, 20, length(at) - 25) || '00000000', 2, 7) AS INTEGER)
                FROM (
                    SELECT c."Id", json_extract(e.value, '$.field') AS field, json_extract(e.value, '$.source') AS source,
                        json_extract(e.value, '$.value') AS value, json_extract(e.value, '$.count') AS count,
                        json_extract(e.value, '$.lastObservedAt') AS at
                    FROM customers AS c, json_each(c."Observations") AS e);
                """);

            migrationBuilder.DropColumn(
                name: "Observations",
                table: "customers");
        }
    }
}
